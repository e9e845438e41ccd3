# Mistake: all sines in the first half and all cosines in the second half instead of interleaved columns.
import numpy as np


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2 != 0:
        raise ValueError(f"d_model must be even, got {d_model}")
    positions = np.arange(max_len, dtype=np.float64)[:, None]
    two_i = np.arange(0, d_model, 2, dtype=np.float64)[None, :]
    angles = positions / base ** (two_i / d_model)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
