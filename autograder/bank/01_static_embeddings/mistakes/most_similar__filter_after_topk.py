# Mistake: takes the top k first and removes excluded words afterwards, so fewer than k pairs come back.
def most_similar(query, vectors, words, k=5, exclude=()):
    """Filter after the cut."""
    sims = cosine_similarity(np.asarray(query)[None, :], vectors)[0]
    top = np.argsort(-sims)[:k]
    return [(words[i], float(sims[i])) for i in top if words[i] not in set(exclude)]
