# Alternative: the table computed in float32 with torch (angles in float32), returned as NumPy.
import numpy as np
import torch


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2:
        raise ValueError(f"d_model={d_model} must be even")
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-np.log(base) / d_model))
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe.numpy()
