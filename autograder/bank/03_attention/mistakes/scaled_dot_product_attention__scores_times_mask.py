# Mistake: multiplies the scores by the mask (a masked score becomes 0, not -inf).
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    if mask is not None:
        scores = scores * mask
    weights = softmax(scores, dim=-1)
    return weights @ V, weights
