# Alternative: frequencies as exp(-2i log(base) / d) computed in torch (float64), returned as NumPy.
import math

import torch


def sinusoidal_positional_encoding(max_len, d_model, base=10000.0):
    if d_model % 2 == 1:
        raise ValueError(f"d_model must be even, got {d_model}")
    position = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float64) * (-math.log(base) / d_model))
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe.numpy()
