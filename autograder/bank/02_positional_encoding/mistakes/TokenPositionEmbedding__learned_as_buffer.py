# Mistake: learned positions registered as a buffer (a random table the optimiser never updates).
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
            self.register_buffer("position_table", torch.randn(max_len, d_model))
        else:
            table = sinusoidal_positional_encoding(max_len, d_model)
            self.register_buffer("sinusoid", torch.tensor(table, dtype=torch.float32))

    def forward(self, idx):
        T = idx.shape[-1]
        table = self.position_table if self.positional == "learned" else self.sinusoid
        return self.token(idx) + table[:T]
