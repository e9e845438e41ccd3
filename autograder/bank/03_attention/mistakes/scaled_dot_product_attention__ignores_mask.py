# Mistake: accepts a mask but never uses it.
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    weights = softmax(scores, dim=-1)
    return weights @ V, weights
