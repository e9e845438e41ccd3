# Alternative: computes in float64 and casts back to the input dtype.
def softmax(x, dim=-1):
    x64 = x.to(torch.float64)
    e = torch.exp(x64 - x64.max(dim=dim, keepdim=True).values)
    return (e / e.sum(dim=dim, keepdim=True)).to(x.dtype)
