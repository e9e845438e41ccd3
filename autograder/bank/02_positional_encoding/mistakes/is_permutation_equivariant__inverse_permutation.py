# Mistake: the output is shuffled with the inverse permutation (argsort(perm)) instead of perm.
import torch


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = torch.as_tensor(perm, dtype=torch.long)
    inverse = torch.argsort(perm)
    return bool((f(X[perm]) - f(X)[inverse]).abs().max() <= atol)
