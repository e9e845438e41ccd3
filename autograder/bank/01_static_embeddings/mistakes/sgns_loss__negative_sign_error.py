# Mistake: sign error in the negative term, log sigmoid(c . n) instead of log sigmoid(-c . n).
def sgns_loss(center, context, negatives):
    """Wrong sign on the noise words."""
    positive = (center * context).sum(dim=-1)
    negative = torch.bmm(negatives, center.unsqueeze(-1)).squeeze(-1)
    return (-F.logsigmoid(positive) - F.logsigmoid(negative).sum(dim=-1)).mean()
