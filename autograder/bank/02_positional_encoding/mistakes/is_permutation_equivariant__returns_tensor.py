# Mistake: returns a 0-d bool tensor instead of a Python bool.
import torch


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = torch.as_tensor(perm, dtype=torch.long)
    return (f(X[perm]) - f(X)[perm]).abs().max() <= atol
