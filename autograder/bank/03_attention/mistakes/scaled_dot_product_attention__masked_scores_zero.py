# Mistake: sets masked scores to 0 instead of -inf (masked keys still get weight).
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, 0.0)
    weights = softmax(scores, dim=-1)
    return weights @ V, weights
