# Mistake: loss without the shift (each position scored against its own token).
def lm_loss(logits: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy, in nats per token.

    Args:
        logits: (B, T, V) scores from the model for the tokens ``idx``.
        idx: (B, T) long, the input tokens.

    Returns:
        A scalar tensor: the mean over b and t < T - 1 of -log softmax(logits[b, t])[idx[b, t + 1]].
        The shift happens inside this function.

    Difficulty: 2/5. Time: about 15 minutes.
    """
    V = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, V), idx.reshape(-1))
