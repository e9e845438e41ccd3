# Alternative: unit vectors by F.normalize in float32, then dot products.
import torch


def referent_margin(sentence, pronoun, first, second, layer, model, tokenizer):
    vecs = torch.stack([word_vector(sentence, w, layer, model, tokenizer) for w in (pronoun, first, second)])
    unit = torch.nn.functional.normalize(vecs, dim=1)
    return (unit[0] @ unit[1] - unit[0] @ unit[2]).item()
