# Alternative: -log sigmoid(x) written as softplus(-x), with einsum for the dot products.
def sgns_loss(center, context, negatives):
    """softplus + einsum."""
    positive = torch.einsum("bd,bd->b", center, context)
    negative = torch.einsum("bd,bkd->bk", center, negatives)
    return (F.softplus(-positive) + F.softplus(negative).sum(-1)).mean()
