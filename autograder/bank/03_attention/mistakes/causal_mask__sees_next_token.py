# Mistake: causal diagonal off by one the other way (each token also sees the next one).
def causal_mask(T):
    return torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=1)
