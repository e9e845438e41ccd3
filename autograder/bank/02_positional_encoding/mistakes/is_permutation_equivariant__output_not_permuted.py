# Mistake: f(X[perm]) is compared with f(X) itself (permutation invariance) instead of f(X)[perm].
import torch


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = torch.as_tensor(perm, dtype=torch.long)
    return bool((f(X[perm]) - f(X)).abs().max() <= atol)
