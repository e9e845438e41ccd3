# Alternative: no call to most_similar; index lookup with try/except and its own ranking in float64.
def analogy(a, b, c, vectors, words, k=1):
    """Self-contained."""
    rows = []
    for word in (a, b, c):
        try:
            rows.append(words.index(word))
        except ValueError:
            raise KeyError(word) from None
    M = np.asarray(vectors, dtype=np.float64)
    target = M[rows[1]] - M[rows[0]] + M[rows[2]]
    sims = (M @ target) / (np.linalg.norm(M, axis=1) * np.linalg.norm(target) + 1e-300)
    order = [i for i in np.argsort(-sims) if words[i] not in (a, b, c)]
    return [(words[i], float(sims[i])) for i in order[:k]]
