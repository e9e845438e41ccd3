# Mistake: an unstable log(sigmoid(x)) that becomes -inf (and NaN gradients) for large |x|.
def sgns_loss(center, context, negatives):
    """torch.log(torch.sigmoid(x))."""
    positive = (center * context).sum(dim=-1)
    negative = torch.bmm(negatives, center.unsqueeze(-1)).squeeze(-1)
    per_pair = -torch.log(torch.sigmoid(positive)) - torch.log(torch.sigmoid(-negative)).sum(dim=-1)
    return per_pair.mean()
