# Alternative: two Python loops over the rows, with math.sqrt.
import math


def cosine_similarity(A, B):
    """Loops."""
    n, m = len(A), len(B)
    S = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            a = [float(x) for x in A[i]]
            b = [float(x) for x in B[j]]
            na = math.sqrt(sum(x * x for x in a))
            nb = math.sqrt(sum(x * x for x in b))
            if na > 0 and nb > 0:
                S[i, j] = sum(x * y for x, y in zip(a, b)) / (na * nb)
    return S
