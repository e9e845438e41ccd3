# Mistake: subtracts one maximum of the whole tensor instead of each row's maximum (rows far below it underflow).
def softmax(x, dim=-1):
    exps = torch.exp(x - x.max())
    return exps / exps.sum(dim=dim, keepdim=True)
