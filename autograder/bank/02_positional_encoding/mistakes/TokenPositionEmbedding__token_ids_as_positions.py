# Mistake: the token ids are looked up in the position table (position(idx)) instead of 0..T-1.
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
            self.position = nn.Embedding(max(max_len, vocab_size), d_model)
        else:
            table = sinusoidal_positional_encoding(max(max_len, vocab_size), d_model)
            self.register_buffer("sinusoid", torch.tensor(table, dtype=torch.float32))

    def forward(self, idx):
        pos = self.position(idx) if self.positional == "learned" else self.sinusoid[idx]
        return self.token(idx) + pos
