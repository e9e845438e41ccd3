# Alternative: loops over positions and pairs, computed in float64.
import math

import torch


def apply_rope(x, positions=None, base=10000.0):
    T, d = x.shape[-2], x.shape[-1]
    if positions is None:
        positions = list(range(T))
    positions = [float(p) for p in positions]
    src = x.to(torch.float64)
    out = src.clone()
    for t in range(T):
        for i in range(d // 2):
            theta = positions[t] * base ** (-2.0 * i / d)
            a, b = src[..., t, 2 * i], src[..., t, 2 * i + 1]
            out[..., t, 2 * i] = a * math.cos(theta) - b * math.sin(theta)
            out[..., t, 2 * i + 1] = a * math.sin(theta) + b * math.cos(theta)
    return out.to(x.dtype)
