# Alternative: the cosine decay written as cos^2 (1 + cos 2a = 2 cos^2 a).
def lr_at(step: int, warmup: int, total: int, peak: float) -> float:
    """Warm-up then cosine."""
    if step >= total:
        return 0.0
    if step < warmup:
        return (step + 1) * (peak / warmup)
    return peak * math.cos(0.5 * math.pi * (step - warmup) / (total - warmup)) ** 2
