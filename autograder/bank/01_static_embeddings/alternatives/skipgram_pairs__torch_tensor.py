# Alternative: builds the pairs with torch and returns a (P, 2) tensor converted to a NumPy array.
def skipgram_pairs(token_ids, window):
    """torch.combinations of positions."""
    ids = torch.as_tensor(token_ids, dtype=torch.long).reshape(-1)
    T = ids.numel()
    if T < 2:
        return np.zeros((0, 2), dtype=np.int64)
    pos = torch.combinations(torch.arange(T), r=2)
    pos = pos[(pos[:, 1] - pos[:, 0]) <= window]
    both = torch.cat([pos, pos.flip(1)], dim=0)
    return ids[both].numpy()
