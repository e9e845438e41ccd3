# Mistake: the K negative terms are averaged instead of summed.
def sgns_loss(center, context, negatives):
    """Mean over k."""
    positive = (center * context).sum(dim=-1)
    negative = torch.bmm(negatives, center.unsqueeze(-1)).squeeze(-1)
    return (-F.logsigmoid(positive) - F.logsigmoid(-negative).mean(dim=-1)).mean()
