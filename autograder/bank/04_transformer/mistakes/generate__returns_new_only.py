# Mistake: returns only the new tokens, without the prompt.
def generate(model: nn.Module, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
             generator: torch.Generator | None = None) -> torch.Tensor:
    """Extend each sequence by sampling one token at a time.

    Args:
        model: maps (B, t) long to (B, t, V) logits for t <= model.max_len; has an int ``max_len``.
        idx: (B, T) long, the prompts.
        max_new_tokens: how many tokens to append.
        temperature: logits are divided by it before the softmax; 0 means greedy (argmax).
        generator: optional ``torch.Generator`` for the sampling.

    Returns:
        (B, T + max_new_tokens) long: the prompts followed by the new tokens. At every step the model
        sees only the last ``model.max_len`` tokens.

    Difficulty: 3/5. Time: about 30 minutes.
    """
    T = idx.shape[1]
    with torch.no_grad():
        for _ in range(max_new_tokens):
            context = idx[:, -model.max_len:]  # crop to what the model accepts
            logits = model(context)[:, -1, :]  # (B, V)
            if temperature == 0:
                next_id = logits.argmax(dim=-1, keepdim=True)
            else:
                probs = torch.softmax(logits / temperature, dim=-1)
                next_id = torch.multinomial(probs, num_samples=1, generator=generator)
            idx = torch.cat([idx, next_id], dim=1)
    return idx[:, T:]
