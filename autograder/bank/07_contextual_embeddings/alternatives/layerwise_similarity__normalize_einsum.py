# Correct: normalises the stacked vectors, then one einsum.
import numpy as np
import torch


def layerwise_similarity(sentence_a, sentence_b, word, model, tokenizer):
    """Cosine similarity of `word` in two sentences, at every layer."""
    layers = range(model.config.num_hidden_layers + 1)
    a = torch.nn.functional.normalize(torch.stack([word_vector(sentence_a, word, k, model, tokenizer) for k in layers]))
    b = torch.nn.functional.normalize(torch.stack([word_vector(sentence_b, word, k, model, tokenizer) for k in layers]))
    return torch.einsum("ld,ld->l", a, b).numpy()
