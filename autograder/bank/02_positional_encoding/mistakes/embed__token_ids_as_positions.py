# Mistake: the token ids are used as positions (position_table[token_ids]).
import numpy as np


def embed(token_ids, token_table, position_table):
    token_ids = np.asarray(token_ids)
    T = token_ids.shape[-1]
    L = position_table.shape[0]
    if T > L:
        raise ValueError(f"T={T} > L={L}")
    return token_table[token_ids] + position_table[token_ids]
