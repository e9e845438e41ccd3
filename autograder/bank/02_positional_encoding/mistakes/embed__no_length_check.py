# Mistake: no check of T against L; slicing silently returns fewer rows (and one row broadcasts).
import numpy as np


def embed(token_ids, token_table, position_table):
    token_ids = np.asarray(token_ids)
    T = token_ids.shape[-1]
    return token_table[token_ids] + position_table[:T]
