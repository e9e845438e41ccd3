# Mistake: the ValueError does not say what T and L are.
import numpy as np


def embed(token_ids, token_table, position_table):
    token_ids = np.asarray(token_ids)
    T = token_ids.shape[-1]
    if T > position_table.shape[0]:
        raise ValueError("sequence too long for the position table")
    return token_table[token_ids] + position_table[:T]
