# Mistake: a zero row gives NaN (and a RuntimeWarning): the division by its zero length is not guarded.
def cosine_similarity(A, B):
    """Plain division by the norms."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    A_hat = A / np.linalg.norm(A, axis=1, keepdims=True)
    B_hat = B / np.linalg.norm(B, axis=1, keepdims=True)
    return A_hat @ B_hat.T
