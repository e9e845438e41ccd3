# Mistake: no ValueError for an odd d_model (the last sine column is silently kept without its cosine).
import numpy as np


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    positions = np.arange(max_len, dtype=np.float64)[:, None]
    two_i = np.arange(0, d_model, 2, dtype=np.float64)[None, :]
    angles = positions / base ** (two_i / d_model)
    table = np.zeros((max_len, d_model))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return table
