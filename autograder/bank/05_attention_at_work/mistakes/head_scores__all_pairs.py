# Mistake: averages over every (query, key) combination of the example, not the listed pairs.
def head_scores(weights, query_pos, key_pos):
    """Mean attention per head."""
    scores = torch.zeros(weights.shape[0], weights.shape[2], dtype=weights.dtype)
    for b in range(weights.shape[1]):
        block = weights[:, b][:, :, query_pos[b]][:, :, :, key_pos[b]]  # (L, H, K, K)
        scores += block.mean(dim=(-1, -2))
    return scores / weights.shape[1]
