# Mistake: guarding the zero row with a large epsilon (norm + 0.1) that changes every similarity.
def cosine_similarity(A, B):
    """Epsilon too large."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    A_hat = A / (np.linalg.norm(A, axis=1, keepdims=True) + 0.1)
    B_hat = B / (np.linalg.norm(B, axis=1, keepdims=True) + 0.1)
    return A_hat @ B_hat.T
