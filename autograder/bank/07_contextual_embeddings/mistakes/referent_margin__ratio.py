# Mistake: the ratio of the two cosines instead of their difference.
import torch


def referent_margin(sentence, pronoun, first, second, layer, model, tokenizer):
    p, a, b = (word_vector(sentence, w, layer, model, tokenizer) for w in (pronoun, first, second))
    cos = torch.nn.functional.cosine_similarity
    return float(cos(p, a, dim=0) / cos(p, b, dim=0))
