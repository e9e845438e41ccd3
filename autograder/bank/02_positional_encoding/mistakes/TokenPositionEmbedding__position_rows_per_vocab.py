# Mistake (structure): the learned position table has vocab_size rows instead of max_len.
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
            self.position = nn.Embedding(vocab_size, d_model)
        else:
            table = sinusoidal_positional_encoding(max_len, d_model)
            self.register_buffer("sinusoid", torch.tensor(table, dtype=torch.float32))

    def forward(self, idx):
        T = idx.shape[-1]
        positions = torch.arange(T)
        pos = self.position(positions) if self.positional == "learned" else self.sinusoid[:T]
        return self.token(idx) + pos
