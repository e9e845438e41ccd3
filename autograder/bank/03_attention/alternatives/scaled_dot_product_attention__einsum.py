# Alternative: einsum for both products, mask with torch.where.
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = torch.einsum("...td,...sd->...ts", Q, K) / Q.shape[-1] ** 0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.full_like(scores, float("-inf")))
    weights = softmax(scores, dim=-1)
    return torch.einsum("...ts,...sv->...tv", weights, V), weights
