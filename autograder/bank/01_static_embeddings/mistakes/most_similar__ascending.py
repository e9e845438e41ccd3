# Mistake: sorted in ascending order, so the least similar words come first.
def most_similar(query, vectors, words, k=5, exclude=()):
    """Least similar first."""
    sims = cosine_similarity(np.asarray(query)[None, :], vectors)[0]
    skip = set(exclude)
    order = [i for i in np.argsort(sims) if words[i] not in skip][:k]
    return [(words[i], float(sims[i])) for i in order]
