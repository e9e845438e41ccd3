# Alternative: float32 throughout, the query scaled before the product (as fused kernels do), additive -inf bias.
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = (Q * Q.shape[-1] ** -0.5) @ K.transpose(-1, -2)
    if mask is not None:
        scores = scores + torch.zeros_like(scores).masked_fill(~mask, float("-inf"))
    weights = softmax(scores, dim=-1)
    return weights @ V, weights
