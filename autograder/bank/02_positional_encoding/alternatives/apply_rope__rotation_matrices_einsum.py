# Alternative: build a (T, d/2, 2, 2) stack of rotation matrices and apply them with einsum.
import torch


def apply_rope(x, positions=None, base=10000.0):
    T, d = x.shape[-2], x.shape[-1]
    if positions is None:
        positions = torch.arange(T)
    p = torch.as_tensor(positions).to(torch.float64)
    theta = p[:, None] * torch.pow(torch.tensor(base, dtype=torch.float64),
                                   -torch.arange(d // 2, dtype=torch.float64) * 2 / d)
    c, s = torch.cos(theta), torch.sin(theta)
    R = torch.stack((torch.stack((c, -s), -1), torch.stack((s, c), -1)), -2)            # (T, d/2, 2, 2)
    pairs = x.to(torch.float64).reshape(*x.shape[:-1], d // 2, 2)                        # (..., T, d/2, 2)
    return torch.einsum("tijk,...tik->...tij", R, pairs).reshape(x.shape).to(x.dtype)
