# Mistake: integer arithmetic, the table is allocated with an integer dtype, which truncates sin and cos to 0 or 1.
import numpy as np


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2 != 0:
        raise ValueError(f"d_model must be even, got {d_model}")
    positions = np.arange(max_len)[:, None]
    two_i = np.arange(0, d_model, 2)[None, :]
    angles = positions / base ** (two_i / d_model)
    table = np.zeros((max_len, d_model), dtype=positions.dtype)
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table
