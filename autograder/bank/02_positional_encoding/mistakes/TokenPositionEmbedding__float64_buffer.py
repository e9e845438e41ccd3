# Mistake: the NumPy float64 table is registered as is, so the sinusoidal output silently becomes float64.
import torch
from torch import nn


class TokenPositionEmbedding(nn.Module):
    def __init__(self, vocab_size, max_len, d_model, positional="learned"):
        super().__init__()
        if positional not in ("learned", "sinusoidal"):
            raise ValueError(f"unknown positional {positional!r}")
        self.positional = positional
        self.token = nn.Embedding(vocab_size, d_model)
        if positional == "learned":
            self.position = nn.Embedding(max_len, d_model)
        else:
            self.register_buffer("sinusoid", torch.from_numpy(sinusoidal_positional_encoding(max_len, d_model)))

    def forward(self, idx):
        T = idx.shape[-1]
        positions = torch.arange(T)
        pos = self.position(positions) if self.positional == "learned" else self.sinusoid[:T]
        return self.token(idx) + pos
