# Mistake: Layers 1..n_layers only: the embedding output (index 0) is skipped.
import numpy as np
import torch


def layerwise_similarity(sentence_a, sentence_b, word, model, tokenizer):
    """Cosine similarity of `word` in two sentences, at every layer."""
    sims = []
    for layer in range(1, model.config.num_hidden_layers + 1):
        a = word_vector(sentence_a, word, layer, model, tokenizer)
        b = word_vector(sentence_b, word, layer, model, tokenizer)
        sims.append(float(torch.nn.functional.cosine_similarity(a, b, dim=0)))
    return np.array(sims)
