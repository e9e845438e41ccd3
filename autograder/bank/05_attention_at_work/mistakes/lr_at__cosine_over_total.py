# Mistake: the cosine runs over all `total` steps instead of total - warmup, so it never reaches 0.
def lr_at(step: int, warmup: int, total: int, peak: float) -> float:
    """Warm-up then cosine."""
    if step >= total:
        return 0.0
    if step < warmup:
        return peak * (step + 1) / warmup
    return 0.5 * peak * (1.0 + math.cos(math.pi * (step - warmup) / total))
