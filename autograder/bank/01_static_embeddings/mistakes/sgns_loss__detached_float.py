# Mistake: the loss goes through NumPy, so it is no longer differentiable.
def sgns_loss(center, context, negatives):
    """Computed outside autograd."""
    c = center.detach().numpy().astype(np.float64)
    o = context.detach().numpy().astype(np.float64)
    n = negatives.detach().numpy().astype(np.float64)
    positive = (c * o).sum(-1)
    negative = np.einsum("bkd,bd->bk", n, c)
    per_pair = np.logaddexp(0.0, -positive) + np.logaddexp(0.0, negative).sum(-1)
    return torch.tensor(per_pair.mean())
