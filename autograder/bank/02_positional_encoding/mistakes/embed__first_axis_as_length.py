# Mistake: T read from the first axis, which is the batch size B for a (B, T) input.
import numpy as np


def embed(token_ids, token_table, position_table):
    token_ids = np.asarray(token_ids)
    T = token_ids.shape[0]
    L = position_table.shape[0]
    if T > L:
        raise ValueError(f"T={T} > L={L}")
    return token_table[token_ids] + position_table[:T]
