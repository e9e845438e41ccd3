# Mistake: sums over the pairs instead of averaging.
def head_scores(weights, query_pos, key_pos):
    """Mean attention per head."""
    batch = torch.arange(weights.shape[1]).unsqueeze(1).expand_as(query_pos)
    return weights.permute(1, 3, 4, 0, 2)[batch, query_pos, key_pos].sum(dim=(0, 1))
