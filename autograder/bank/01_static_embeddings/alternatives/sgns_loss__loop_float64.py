# Alternative: a loop over the batch in float64 with a hand-written stable log-sigmoid.
def sgns_loss(center, context, negatives):
    """Loop + float64 + manual stability."""

    def log_sigmoid(x):
        return torch.clamp(x, max=0) - torch.log1p(torch.exp(-x.abs()))

    total = 0.0
    B = center.shape[0]
    for b in range(B):
        c = center[b].double()
        term = -log_sigmoid(c @ context[b].double())
        for n in negatives[b]:
            term = term - log_sigmoid(-(c @ n.double()))
        total = total + term
    return (total / B).to(center.dtype)
