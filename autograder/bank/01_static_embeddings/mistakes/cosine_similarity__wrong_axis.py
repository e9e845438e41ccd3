# Mistake: normalising the wrong axis (each column instead of each row).
def cosine_similarity(A, B):
    """Columns normalised, rows not."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    norm_A = np.linalg.norm(A, axis=0, keepdims=True)
    norm_B = np.linalg.norm(B, axis=0, keepdims=True)
    A_hat = np.divide(A, norm_A, out=np.zeros_like(A), where=norm_A > 0)
    B_hat = np.divide(B, norm_B, out=np.zeros_like(B), where=norm_B > 0)
    return A_hat @ B_hat.T
