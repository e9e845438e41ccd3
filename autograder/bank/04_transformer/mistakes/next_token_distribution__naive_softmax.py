# Mistake: exp(logits) / sum without subtracting the maximum (overflows).
def next_token_distribution(model: nn.Module, idx: torch.Tensor) -> torch.Tensor:
    """Probabilities of the token that follows each sequence.

    Args:
        model: maps idx (B, T) long to logits (B, T, V).
        idx: (B, T) long, T >= 1.

    Returns:
        (B, V) tensor: row b is softmax(model(idx)[b, -1]), non-negative and summing to 1.

    Difficulty: 1/5. Time: about 10 minutes.
    """
    with torch.no_grad():
        logits = model(idx)[:, -1, :]  # (B, V): the prediction after the last token
    e = torch.exp(logits)
    return e / e.sum(dim=-1, keepdim=True)
