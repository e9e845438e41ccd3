# Mistake: Cosine without normalisation: the plain dot product.
import numpy as np
import torch


def layerwise_similarity(sentence_a, sentence_b, word, model, tokenizer):
    """Cosine similarity of `word` in two sentences, at every layer."""
    n_states = model.config.num_hidden_layers + 1
    a = torch.stack([word_vector(sentence_a, word, layer, model, tokenizer) for layer in range(n_states)])
    b = torch.stack([word_vector(sentence_b, word, layer, model, tokenizer) for layer in range(n_states)])
    return (a * b).sum(dim=-1).numpy()
