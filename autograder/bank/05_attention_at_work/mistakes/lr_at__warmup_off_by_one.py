# Mistake: warm-up off by one (step / warmup: the first step has rate 0, the peak comes a step late).
def lr_at(step: int, warmup: int, total: int, peak: float) -> float:
    """Warm-up then cosine."""
    if step >= total:
        return 0.0
    if step < warmup:
        return peak * step / warmup
    return 0.5 * peak * (1.0 + math.cos(math.pi * (step - warmup) / (total - warmup)))
