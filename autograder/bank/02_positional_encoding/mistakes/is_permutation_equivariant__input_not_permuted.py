# Mistake: the permutation is applied to both outputs but never to the input (always True).
import torch


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = torch.as_tensor(perm, dtype=torch.long)
    return bool((f(X)[perm] - f(X)[perm]).abs().max() <= atol)
