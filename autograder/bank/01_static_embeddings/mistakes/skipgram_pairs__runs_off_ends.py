# Mistake: pairs running off the sequence ends (indices wrap around instead of stopping at the edges).
def skipgram_pairs(token_ids, window):
    """Wrap-around context."""
    ids = [int(t) for t in token_ids]
    T = len(ids)
    pairs = []
    for i in range(T):
        for offset in range(-window, window + 1):
            if offset != 0:
                pairs.append((ids[i], ids[(i + offset) % T]))
    return pairs
