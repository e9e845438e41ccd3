# Mistake: exact equality (torch.equal), so atol is ignored and rounding differences count as "not equivariant".
import torch


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = torch.as_tensor(perm, dtype=torch.long)
    return torch.equal(f(X[perm]), f(X)[perm])
