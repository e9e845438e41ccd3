# Mistake: Compares the mean of all tokens of each sentence, not the word's vectors.
import numpy as np
import torch


def layerwise_similarity(sentence_a, sentence_b, word, model, tokenizer):
    """Cosine similarity of `word` in two sentences, at every layer."""
    _, states_a = token_states(sentence_a, model, tokenizer)
    _, states_b = token_states(sentence_b, model, tokenizer)
    return torch.nn.functional.cosine_similarity(states_a.mean(1), states_b.mean(1), dim=-1).numpy()
