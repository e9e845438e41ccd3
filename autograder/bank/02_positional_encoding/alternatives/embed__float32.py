# Alternative: both tables cast to float32 before the sum.
import numpy as np


def embed(token_ids, token_table, position_table):
    token_ids = np.asarray(token_ids)
    T = token_ids.shape[-1]
    if T > len(position_table):
        raise ValueError(f"T={T} is longer than the {len(position_table)} rows of the position table")
    return np.asarray(token_table, np.float32)[token_ids] + np.asarray(position_table, np.float32)[:T]
