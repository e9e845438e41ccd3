# Alternative: explicit loops over the batch and the positions.
import numpy as np


def embed(token_ids, token_table, position_table):
    ids = np.asarray(token_ids)
    T = ids.shape[-1]
    if T > position_table.shape[0]:
        raise ValueError(f"T = {T} exceeds L = {position_table.shape[0]}")
    batch = ids.reshape(-1, T)
    out = np.zeros(batch.shape + (token_table.shape[1],))
    for b in range(batch.shape[0]):
        for t in range(T):
            out[b, t] = token_table[batch[b, t]] + position_table[t]
    return out.reshape(ids.shape + (token_table.shape[1],))
