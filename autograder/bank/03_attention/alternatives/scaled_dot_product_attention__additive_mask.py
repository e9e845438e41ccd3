# Alternative: turns the boolean mask into an additive 0 / -inf bias.
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = torch.matmul(Q, K.transpose(-1, -2)) * Q.shape[-1] ** -0.5
    if mask is not None:
        bias = torch.zeros(mask.shape, dtype=scores.dtype).masked_fill(~mask, float("-inf"))
        scores = scores + bias
    weights = softmax(scores, dim=-1)
    return torch.matmul(weights, V), weights
