# Mistake: inverted polarity (True marks the future to hide, PyTorch-module style).
def causal_mask(T):
    return torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
