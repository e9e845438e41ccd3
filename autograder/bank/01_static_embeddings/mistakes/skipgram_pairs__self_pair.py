# Mistake: a pair of a position with itself (distance 0 is not skipped).
def skipgram_pairs(token_ids, window):
    """Includes (w_i, w_i)."""
    ids = [int(t) for t in token_ids]
    T = len(ids)
    return [(ids[i], ids[j]) for i in range(T) for j in range(max(0, i - window), min(T, i + window + 1))]
