# Mistake: uses the positions of example 0 for every example.
def head_scores(weights, query_pos, key_pos):
    """Mean attention per head."""
    picked = weights[:, :, :, query_pos[0], key_pos[0]]  # (L, B, H, K)
    return picked.mean(dim=(1, 3))
