# Mistake: breaks the stated rule through an nn.Softmax module built on the fly.
def softmax(x, dim=-1):
    return nn.Softmax(dim=dim)(x)
