# Alternative: masked scores set to the most negative finite float (exp underflows to exactly 0).
def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = (Q / math.sqrt(Q.shape[-1])) @ K.mT
    if mask is not None:
        scores = scores.masked_fill(mask.logical_not(), torch.finfo(scores.dtype).min)
    weights = softmax(scores, dim=-1)
    return weights @ V, weights
