# Alternative: plain loops over examples and pairs.
def head_scores(weights, query_pos, key_pos):
    """Mean attention per head."""
    B, K = query_pos.shape
    total = torch.zeros(weights.shape[0], weights.shape[2], dtype=weights.dtype)
    for b in range(B):
        for k in range(K):
            total = total + weights[:, b, :, query_pos[b, k], key_pos[b, k]]
    return total / (B * K)
