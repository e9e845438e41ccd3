# Alternative: one expression with min/max, through NumPy, converted back to float.
import numpy as np


def lr_at(step: int, warmup: int, total: int, peak: float) -> float:
    """Warm-up then cosine."""
    if step >= total:
        return 0.0
    warm = min(1.0, (step + 1) / warmup) if warmup > 0 else 1.0
    progress = max(0.0, (step - warmup) / (total - warmup))
    return float(peak * warm * 0.5 * (1 + np.cos(np.pi * progress)))
