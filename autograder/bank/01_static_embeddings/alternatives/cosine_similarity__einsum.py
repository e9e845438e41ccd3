# Alternative: einsum for the norms and the products, float32 kept, np.where for the zero rows.
def cosine_similarity(A, B):
    """einsum."""
    A = np.asarray(A)
    B = np.asarray(B)
    dots = np.einsum("id,jd->ij", A, B)
    norms = np.sqrt(np.einsum("id,id->i", A, A))[:, None] * np.sqrt(np.einsum("jd,jd->j", B, B))[None, :]
    safe = np.where(norms > 0, norms, 1.0)
    return np.where(norms > 0, dots / safe, 0.0)
