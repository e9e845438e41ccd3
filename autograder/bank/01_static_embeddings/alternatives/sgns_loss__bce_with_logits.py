# Alternative: binary cross-entropy with logits, positives labelled 1 and negatives 0.
def sgns_loss(center, context, negatives):
    """BCE with logits."""
    B, K = negatives.shape[:2]
    logits = torch.cat([(center * context).sum(-1, keepdim=True), (negatives @ center[:, :, None])[..., 0]], dim=1)
    labels = torch.cat([torch.ones(B, 1), torch.zeros(B, K)], dim=1).to(logits.dtype)
    per_term = F.binary_cross_entropy_with_logits(logits, labels, reduction="none")
    return per_term.sum(dim=1).mean()
