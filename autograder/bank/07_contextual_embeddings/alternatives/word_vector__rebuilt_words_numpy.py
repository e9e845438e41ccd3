# Correct: rebuilds each word from its pieces and averages in float64 NumPy.
import numpy as np
import torch


def word_vector(sentence, word, layer, model, tokenizer):
    """Vector of `word` at `layer`: the mean of its word pieces' hidden states (first occurrence)."""
    tokens, states = token_states(sentence, model, tokenizer)
    word_ids = tokenizer(sentence).word_ids()
    groups = {}
    for t, i in enumerate(word_ids):
        if i is not None:
            groups.setdefault(i, []).append(t)
    for positions in groups.values():
        text = "".join(tokens[t].removeprefix("##") for t in positions)
        if text == word.lower():
            rows = states[layer].double().numpy()[positions]
            return torch.from_numpy(rows.sum(axis=0) / len(positions))
    raise ValueError("missing word: " + word)
