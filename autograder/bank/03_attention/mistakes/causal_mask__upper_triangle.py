# Mistake: keeps the upper triangle (queries see the future, not the past).
def causal_mask(T):
    return torch.triu(torch.ones(T, T, dtype=torch.bool))
