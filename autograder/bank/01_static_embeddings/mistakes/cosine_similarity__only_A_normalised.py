# Mistake: only the rows of A are normalised, B keeps its lengths.
def cosine_similarity(A, B):
    """Half of the normalisation."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    norm_A = np.linalg.norm(A, axis=1, keepdims=True)
    A_hat = np.divide(A, norm_A, out=np.zeros_like(A), where=norm_A > 0)
    return A_hat @ B.T
