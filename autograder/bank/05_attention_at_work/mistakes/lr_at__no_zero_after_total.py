# Mistake: no cut-off at total: the cosine climbs back up after the run should have ended.
def lr_at(step: int, warmup: int, total: int, peak: float) -> float:
    """Warm-up then cosine."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return 0.5 * peak * (1.0 + math.cos(math.pi * (step - warmup) / (total - warmup)))
