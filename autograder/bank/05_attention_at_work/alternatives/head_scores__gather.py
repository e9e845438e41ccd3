# Alternative: two gathers (rows, then columns), float64 accumulation cast back.
def head_scores(weights, query_pos, key_pos):
    """Mean attention per head."""
    L, B, H, T, _ = weights.shape
    K = query_pos.shape[1]
    q = query_pos.view(1, B, 1, K, 1).expand(L, B, H, K, T)
    rows = weights.gather(3, q)  # (L, B, H, K, T)
    k = key_pos.view(1, B, 1, K, 1).expand(L, B, H, K, 1)
    picked = rows.gather(4, k).squeeze(-1)  # (L, B, H, K)
    return picked.double().mean(dim=(1, 3)).to(weights.dtype)
