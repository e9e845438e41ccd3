# Mistake: averages over the wrong axis (the heads instead of the examples).
def head_scores(weights, query_pos, key_pos):
    """Mean attention per head."""
    batch = torch.arange(weights.shape[1]).unsqueeze(1).expand_as(query_pos)
    picked = weights.permute(1, 3, 4, 0, 2)[batch, query_pos, key_pos]  # (B, K, L, H)
    return picked.mean(dim=(1, 3)).T[:, : weights.shape[2]].expand(weights.shape[0], weights.shape[2])
