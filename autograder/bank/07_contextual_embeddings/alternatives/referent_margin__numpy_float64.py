# Alternative: the cosines in float64 NumPy.
import numpy as np


def referent_margin(sentence, pronoun, first, second, layer, model, tokenizer):
    p, a, b = (word_vector(sentence, w, layer, model, tokenizer).numpy().astype(np.float64)
               for w in (pronoun, first, second))
    return float(p @ a / np.linalg.norm(p) / np.linalg.norm(a) - p @ b / np.linalg.norm(p) / np.linalg.norm(b))
