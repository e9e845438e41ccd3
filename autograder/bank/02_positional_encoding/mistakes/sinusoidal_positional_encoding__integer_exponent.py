# Mistake: integer arithmetic, 2i // d_model is 0 for every pair, so all pairs turn at frequency 1.
import numpy as np


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2 != 0:
        raise ValueError(f"d_model must be even, got {d_model}")
    positions = np.arange(max_len)[:, None]
    two_i = np.arange(0, d_model, 2)[None, :]
    angles = positions / base ** (two_i // d_model)
    table = np.zeros((max_len, d_model))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table
