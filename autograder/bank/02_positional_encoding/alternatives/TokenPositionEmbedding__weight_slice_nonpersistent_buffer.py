# Alternative: slices position.weight directly; the sinusoidal table is computed in torch and kept as a
# non-persistent buffer (not saved in the state_dict).
import torch
from torch import nn


class TokenPositionEmbedding(nn.Module):
    def __init__(self, vocab_size, max_len, d_model, positional="learned"):
        super().__init__()
        if positional == "learned":
            self.token = nn.Embedding(vocab_size, d_model)
            self.position = nn.Embedding(max_len, d_model)
            self.table = None
        elif positional == "sinusoidal":
            self.token = nn.Embedding(vocab_size, d_model)
            p = torch.arange(max_len, dtype=torch.float64)[:, None]
            omega = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
            table = torch.stack((torch.sin(p * omega), torch.cos(p * omega)), dim=-1).reshape(max_len, d_model)
            self.register_buffer("table", table.float(), persistent=False)
        else:
            raise ValueError("positional must be 'learned' or 'sinusoidal'")

    def forward(self, idx):
        T = idx.size(1)
        pos = self.position.weight[:T] if self.table is None else self.table[:T]
        return self.token(idx) + pos.unsqueeze(0)
