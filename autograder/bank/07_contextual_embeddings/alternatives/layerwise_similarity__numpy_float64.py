# Correct: explicit dot products and norms in float64 NumPy, one layer at a time.
import numpy as np
import torch


def layerwise_similarity(sentence_a, sentence_b, word, model, tokenizer):
    """Cosine similarity of `word` in two sentences, at every layer."""
    sims = np.zeros(model.config.num_hidden_layers + 1)
    for layer in range(len(sims)):
        a = word_vector(sentence_a, word, layer, model, tokenizer).double().numpy()
        b = word_vector(sentence_b, word, layer, model, tokenizer).double().numpy()
        sims[layer] = a @ b / np.sqrt((a @ a) * (b @ b))
    return sims
