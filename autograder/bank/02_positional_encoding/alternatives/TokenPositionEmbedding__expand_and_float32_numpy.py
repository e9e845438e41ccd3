# Alternative: positions looked up with F.embedding and expanded over the batch; the NumPy table is cast to
# float32 before torch.from_numpy; the dispatch on `positional` happens with a dict.
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class TokenPositionEmbedding(nn.Module):
    def __init__(self, vocab_size, max_len, d_model, positional="learned"):
        super().__init__()
        builders = {
            "learned": lambda: nn.Embedding(max_len, d_model),
            "sinusoidal": lambda: torch.from_numpy(
                sinusoidal_positional_encoding(max_len, d_model).astype(np.float32)),
        }
        if positional not in builders:
            raise ValueError(f"positional should be one of {sorted(builders)}, not {positional!r}")
        self.token = nn.Embedding(vocab_size, d_model)
        built = builders[positional]()
        if isinstance(built, nn.Module):
            self.position = built
        else:
            self.register_buffer("fixed_positions", built)

    def forward(self, idx):
        B, T = idx.shape
        table = self.position.weight if hasattr(self, "position") else self.fixed_positions
        pos = F.embedding(torch.arange(T), table)                  # (T, d)
        return self.token(idx) + pos.unsqueeze(0).expand(B, T, -1)
