# Mistake: dot product instead of cosine (no normalisation).
def cosine_similarity(A, B):
    """Dot products only."""
    return np.asarray(A, dtype=np.float64) @ np.asarray(B, dtype=np.float64).T
