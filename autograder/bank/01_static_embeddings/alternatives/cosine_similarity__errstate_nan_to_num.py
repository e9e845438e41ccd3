# Alternative: divide under np.errstate and replace the NaNs of zero rows by 0.
def cosine_similarity(A, B):
    """errstate + nan_to_num."""
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        S = (A @ B.T) / np.outer(np.linalg.norm(A, axis=1), np.linalg.norm(B, axis=1))
    return np.nan_to_num(S, nan=0.0)
