# Mistake: always normalises along the last axis, whatever `dim` says.
def softmax(x, dim=-1):
    exps = torch.exp(x - x.amax(dim=-1, keepdim=True))
    return exps / exps.sum(dim=-1, keepdim=True)
