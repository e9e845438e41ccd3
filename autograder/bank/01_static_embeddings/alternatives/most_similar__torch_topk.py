# Alternative: torch.topk on a masked similarity vector.
def most_similar(query, vectors, words, k=5, exclude=()):
    """torch.topk."""
    q = torch.as_tensor(np.asarray(query), dtype=torch.float64)
    M = torch.as_tensor(np.asarray(vectors), dtype=torch.float64)
    sims = torch.nn.functional.cosine_similarity(M, q[None, :], dim=1)
    masked = sims.clone()
    for i, w in enumerate(words):
        if w in exclude:
            masked[i] = -float("inf")
    top = torch.topk(masked, k).indices
    return [(words[int(i)], float(sims[i])) for i in top]
