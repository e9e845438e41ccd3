# Mistake: exponentiates the input in place (x.exp_()), so the caller's scores are destroyed.
def softmax(x, dim=-1):
    x.sub_(x.amax(dim=dim, keepdim=True)).exp_()
    return x / x.sum(dim=dim, keepdim=True)
