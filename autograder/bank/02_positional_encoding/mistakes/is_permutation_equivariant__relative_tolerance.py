# Mistake: torch.allclose with its default rtol=1e-5, so large values get a much looser tolerance than atol.
import torch


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = torch.as_tensor(perm, dtype=torch.long)
    return torch.allclose(f(X[perm]), f(X)[perm], atol=atol)
