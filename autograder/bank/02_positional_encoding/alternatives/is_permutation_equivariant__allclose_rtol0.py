# Alternative: torch.allclose with rtol=0.
import torch


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    idx = torch.tensor(list(perm))
    return torch.allclose(f(X[idx]), f(X)[idx], rtol=0.0, atol=atol)
