# Alternative: vectorised with NumPy, one shifted slice per offset, returns a (P, 2) array.
def skipgram_pairs(token_ids, window):
    """Shifted slices."""
    ids = np.asarray(token_ids, dtype=np.int64).reshape(-1)
    blocks = [np.zeros((0, 2), dtype=np.int64)]
    for d in range(1, window + 1):
        if d >= len(ids):
            break
        blocks.append(np.stack([ids[:-d], ids[d:]], axis=1))
        blocks.append(np.stack([ids[d:], ids[:-d]], axis=1))
    return np.concatenate(blocks, axis=0)
