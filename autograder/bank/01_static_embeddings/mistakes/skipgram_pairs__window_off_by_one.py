# Mistake: window off by one (distance < window instead of distance <= window).
def skipgram_pairs(token_ids, window):
    """range end too short."""
    ids = [int(t) for t in token_ids]
    T = len(ids)
    pairs = []
    for i in range(T):
        for j in range(max(0, i - window + 1), min(T, i + window)):
            if j != i:
                pairs.append((ids[i], ids[j]))
    return pairs
