# Mistake: log(softmax(...)) by hand, -inf/nan for logits of +-1000.
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
    predictions = logits[:, :-1].reshape(-1, V)  # position t predicts ...
    targets = idx[:, 1:].reshape(-1)  # ... the token at t + 1
    probs = torch.softmax(predictions, dim=-1)
    return -torch.log(probs.gather(-1, targets[:, None])).mean()
