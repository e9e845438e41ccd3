# Alternative: one list comprehension over all position pairs with abs(i - j).
def skipgram_pairs(token_ids, window):
    """All pairs, filtered by distance."""
    ids = list(token_ids)
    return [(int(ids[i]), int(ids[j])) for i in range(len(ids)) for j in range(len(ids)) if 0 < abs(i - j) <= window]
