# Mistake: causal diagonal off by one (a token may not attend to itself).
def causal_mask(T):
    return torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1)
