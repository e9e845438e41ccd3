# Mistake: returns pairs of positions (i, j) instead of the token ids at those positions.
def skipgram_pairs(token_ids, window):
    """Positions instead of ids."""
    T = len(token_ids)
    return [(i, j) for i in range(T) for j in range(max(0, i - window), min(T, i + window + 1)) if j != i]
