# Alternative: a (B, T) tensor of positions looked up like the tokens.
import torch
from torch import nn


class TokenPositionEmbedding(nn.Module):
    def __init__(self, vocab_size, max_len, d_model, positional="learned"):
        super().__init__()
        self.kind = positional
        self.token = nn.Embedding(vocab_size, d_model)
        if positional == "learned":
            self.position = nn.Embedding(max_len, d_model)
        elif positional == "sinusoidal":
            self.register_buffer("pe", torch.from_numpy(sinusoidal_positional_encoding(max_len, d_model)).float())
        else:
            raise ValueError(f"positional={positional!r}")

    def forward(self, idx):
        B, T = idx.shape
        positions = torch.arange(T, dtype=torch.long).expand(B, T)
        if self.kind == "learned":
            return self.token(idx) + self.position(positions)
        return self.token(idx) + self.pe[positions]
