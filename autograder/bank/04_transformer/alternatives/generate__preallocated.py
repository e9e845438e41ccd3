# Alternative: preallocated output tensor and an explicit crop start.
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
    B, T = idx.shape
    out = torch.zeros(B, T + max_new_tokens, dtype=torch.long)
    out[:, :T] = idx
    with torch.no_grad():
        for t in range(T, T + max_new_tokens):
            context = out[:, max(0, t - model.max_len):t]
            logits = model(context)[:, -1, :]  # (B, V)
            if temperature == 0:
                next_id = logits.argmax(dim=-1, keepdim=True)
            else:
                probs = torch.softmax(logits / temperature, dim=-1)
                next_id = torch.multinomial(probs, num_samples=1, generator=generator)
            out[:, t] = next_id[:, 0]
    return out
