# Mistake: position rows 1..T instead of 0..T-1.
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
            self.position = nn.Embedding(max_len + 1, d_model)
        else:
            table = sinusoidal_positional_encoding(max_len + 1, d_model)
            self.register_buffer("sinusoid", torch.tensor(table, dtype=torch.float32))

    def forward(self, idx):
        T = idx.shape[-1]
        positions = torch.arange(1, T + 1)
        pos = self.position(positions) if self.positional == "learned" else self.sinusoid[positions]
        return self.token(idx) + pos
