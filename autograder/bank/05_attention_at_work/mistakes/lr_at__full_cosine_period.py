# Mistake: a whole cosine period (2 pi) instead of half: the rate comes back up to the peak.
def lr_at(step: int, warmup: int, total: int, peak: float) -> float:
    """Warm-up then cosine."""
    if step >= total:
        return 0.0
    if step < warmup:
        return peak * (step + 1) / warmup
    return 0.5 * peak * (1.0 + math.cos(2 * math.pi * (step - warmup) / (total - warmup)))
