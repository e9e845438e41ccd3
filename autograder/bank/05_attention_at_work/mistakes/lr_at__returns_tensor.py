# Mistake: returns a tensor, not a float.
def lr_at(step: int, warmup: int, total: int, peak: float) -> float:
    """Warm-up then cosine."""
    if step >= total:
        return torch.tensor(0.0)
    if step < warmup:
        return torch.tensor(peak * (step + 1) / warmup)
    return 0.5 * peak * (1.0 + torch.cos(torch.tensor(math.pi * (step - warmup) / (total - warmup))))
