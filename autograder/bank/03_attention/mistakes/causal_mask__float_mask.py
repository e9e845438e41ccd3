# Mistake: returns a float 0/1 matrix instead of a bool mask.
def causal_mask(T):
    return torch.tril(torch.ones(T, T))
