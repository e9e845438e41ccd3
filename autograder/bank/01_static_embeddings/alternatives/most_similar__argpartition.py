# Alternative: np.argpartition for the candidates, then a sort of the few that are left.
def most_similar(query, vectors, words, k=5, exclude=()):
    """argpartition."""
    sims = cosine_similarity(np.asarray(query)[None, :], vectors)[0]
    skip = set(exclude)
    mask = np.array([w not in skip for w in words])
    candidates = np.flatnonzero(mask)
    kk = min(k, len(candidates))
    top = candidates[np.argpartition(-sims[candidates], kk - 1)[:kk]]
    top = top[np.argsort(-sims[top])]
    return [(words[i], float(sims[i])) for i in top]
