# Alternative: the complement of the strict upper triangle.
def causal_mask(T):
    return ~torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
