# Mistake: the words in exclude (e.g. the query word) are not skipped.
def most_similar(query, vectors, words, k=5, exclude=()):
    """Ignores exclude."""
    sims = cosine_similarity(np.asarray(query)[None, :], vectors)[0]
    order = np.argsort(-sims)[:k]
    return [(words[i], float(sims[i])) for i in order]
