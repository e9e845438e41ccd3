# Mistake: only the context to the right of the center word is used.
def skipgram_pairs(token_ids, window):
    """One-sided window."""
    ids = [int(t) for t in token_ids]
    T = len(ids)
    return [(ids[i], ids[j]) for i in range(T) for j in range(i + 1, min(T, i + window + 1))]
