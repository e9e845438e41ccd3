# Alternative: computes everything in float64, returns the input dtype.
def scaled_dot_product_attention(Q, K, V, mask=None):
    q, k, v = Q.double(), K.double(), V.double()
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, -math.inf)
    weights = softmax(scores, dim=-1)
    return (weights @ v).to(Q.dtype), weights.to(Q.dtype)
