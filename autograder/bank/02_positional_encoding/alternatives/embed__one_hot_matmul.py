# Alternative: the lookup written as one-hot rows times the token table.
import numpy as np


def embed(token_ids, token_table, position_table):
    ids = np.asarray(token_ids)
    T, L = ids.shape[-1], len(position_table)
    if T > L:
        raise ValueError(f"got T={T} tokens but only L={L} positions")
    one_hot = np.eye(token_table.shape[0])[ids]            # (..., T, V)
    return one_hot @ token_table + position_table[np.arange(T)]
