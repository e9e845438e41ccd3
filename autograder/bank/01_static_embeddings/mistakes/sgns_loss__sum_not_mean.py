# Mistake: sum over the batch instead of the batch mean.
def sgns_loss(center, context, negatives):
    """Batch sum."""
    positive = (center * context).sum(dim=-1)
    negative = torch.bmm(negatives, center.unsqueeze(-1)).squeeze(-1)
    return (-F.logsigmoid(positive) - F.logsigmoid(-negative).sum(dim=-1)).sum()
