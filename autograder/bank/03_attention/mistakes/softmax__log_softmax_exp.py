# Mistake: breaks the stated rule through F.log_softmax followed by exp.
def softmax(x, dim=-1):
    return F.log_softmax(x, dim=dim).exp()
