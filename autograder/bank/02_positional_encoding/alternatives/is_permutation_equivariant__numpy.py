# Alternative: compare in NumPy with np.abs(...).max(), perm converted to an index array.
import numpy as np


def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = np.asarray(perm, dtype=np.int64)
    left = f(X[perm]).detach().numpy()
    right = f(X).detach().numpy()[perm]
    return bool(np.abs(left - right).max() <= atol)
