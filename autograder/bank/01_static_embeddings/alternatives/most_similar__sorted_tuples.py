# Alternative: plain Python, sorted() on (word, similarity) tuples with float64 similarities.
def most_similar(query, vectors, words, k=5, exclude=()):
    """sorted with a key."""
    q = np.asarray(query, dtype=np.float64)
    M = np.asarray(vectors, dtype=np.float64)
    sims = cosine_similarity(q.reshape(1, -1), M).ravel()
    pairs = [(w, float(s)) for w, s in zip(words, sims) if w not in exclude]
    return sorted(pairs, key=lambda pair: -pair[1])[:k]
