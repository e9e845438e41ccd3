# Alternative: one-hot selectors and einsum.
def head_scores(weights, query_pos, key_pos):
    """Mean attention per head."""
    T = weights.shape[-1]
    qs = F.one_hot(query_pos, T).to(weights.dtype)  # (B, K, T)
    ks = F.one_hot(key_pos, T).to(weights.dtype)
    return torch.einsum("lbhij,bki,bkj->lh", weights, qs, ks) / query_pos.numel()
