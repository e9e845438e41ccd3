# Alternative: pairs viewed as complex numbers and multiplied by exp(i * theta) (the RoFormer/LLaMA way).
import torch


def apply_rope(x, positions=None, base=10000.0):
    T, d = x.shape[-2:]
    pos = torch.arange(T, dtype=torch.float64) if positions is None else torch.as_tensor(positions).double()
    theta = torch.outer(pos, base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d))   # (T, d/2)
    rotor = torch.polar(torch.ones_like(theta), theta)                                     # (T, d/2) complex
    pairs = torch.view_as_complex(x.double().reshape(*x.shape[:-1], d // 2, 2).contiguous())
    return torch.view_as_real(pairs * rotor).reshape(x.shape).to(x.dtype)
