# Mistake: reads layer - 1 (treats the layer as 1-based, so layer 0 wraps to the last layer).
import torch


def referent_margin(sentence, pronoun, first, second, layer, model, tokenizer):
    p, a, b = (word_vector(sentence, w, layer - 1, model, tokenizer) for w in (pronoun, first, second))
    cos = torch.nn.functional.cosine_similarity
    return float(cos(p, a, dim=0) - cos(p, b, dim=0))
