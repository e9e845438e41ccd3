# Mistake: softmax without subtracting the maximum (exp overflows for large scores).
def softmax(x, dim=-1):
    exps = torch.exp(x)
    return exps / exps.sum(dim=dim, keepdim=True)
