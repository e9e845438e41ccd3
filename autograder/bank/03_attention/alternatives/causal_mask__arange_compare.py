# Alternative: compares key and query positions with broadcasting.
def causal_mask(T):
    pos = torch.arange(T)
    return pos[None, :] <= pos[:, None]
