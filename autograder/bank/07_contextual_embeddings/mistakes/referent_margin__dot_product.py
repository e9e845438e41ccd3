# Mistake: differences of raw dot products instead of cosines.
import torch


def referent_margin(sentence, pronoun, first, second, layer, model, tokenizer):
    p, a, b = (word_vector(sentence, w, layer, model, tokenizer) for w in (pronoun, first, second))
    return float(p @ a - p @ b)
