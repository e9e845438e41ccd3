# Mistake: ranking by dot product instead of cosine, so long vectors win.
def most_similar(query, vectors, words, k=5, exclude=()):
    """Dot-product ranking."""
    scores = np.asarray(vectors, dtype=np.float64) @ np.asarray(query, dtype=np.float64)
    sims = cosine_similarity(np.asarray(query)[None, :], vectors)[0]
    skip = set(exclude)
    order = [i for i in np.argsort(-scores) if words[i] not in skip][:k]
    return [(words[i], float(sims[i])) for i in order]
