# Alternative: torch, one-hot via F.one_hot and einsum, converted back to NumPy.
import numpy as np
import torch
import torch.nn.functional as F


def embed(token_ids, token_table, position_table):
    ids = torch.as_tensor(np.asarray(token_ids), dtype=torch.long)
    T, L = ids.shape[-1], position_table.shape[0]
    if T > L:
        raise ValueError(f"{T} tokens do not fit in {L} positions")
    one_hot = F.one_hot(ids, num_classes=token_table.shape[0]).double()
    tokens = torch.einsum("...tv,vd->...td", one_hot, torch.as_tensor(token_table, dtype=torch.float64))
    return (tokens + torch.as_tensor(position_table[:T], dtype=torch.float64)).numpy()
