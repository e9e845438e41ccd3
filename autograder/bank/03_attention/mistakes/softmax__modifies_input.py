# Mistake: softmax that subtracts the maximum in place, overwriting the caller's tensor.
def softmax(x, dim=-1):
    x -= x.amax(dim=dim, keepdim=True)
    exps = torch.exp(x)
    return exps / exps.sum(dim=dim, keepdim=True)
