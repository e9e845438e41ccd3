# Alternative: row by row, output row t of the shuffled input against output row perm[t].
def is_permutation_equivariant(f, X, perm, atol=1e-6):
    perm = [int(p) for p in perm]
    shuffled = f(X[perm])
    original = f(X)
    for t, source in enumerate(perm):
        if (shuffled[t] - original[source]).abs().max().item() > atol:
            return False
    return True
