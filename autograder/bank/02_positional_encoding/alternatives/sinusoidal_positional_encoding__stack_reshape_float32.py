# Alternative: float32 table built by stacking (sin, cos) on a new last axis and reshaping.
import numpy as np


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2 != 0:
        raise ValueError(f"d_model={d_model} is odd")
    omega = np.power(float(base), -np.arange(d_model // 2) * 2.0 / d_model)
    angles = np.outer(np.arange(max_len), omega)
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(max_len, d_model).astype(np.float32)
