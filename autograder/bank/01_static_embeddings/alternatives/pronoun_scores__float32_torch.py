# Alternative: regular-expression words and a float32 torch cosine per candidate.
import re

import torch


def pronoun_scores(sentence, pronoun, candidates, words, vectors):
    found = set(re.findall(r"[a-z0-9']+", sentence.lower()))
    position = {w: i for i, w in enumerate(words)}
    for w in [pronoun, *candidates]:
        if w.lower() not in found:
            raise ValueError(f"{w} does not occur in the sentence")
        if w.lower() not in position:
            raise KeyError(w)
    table = torch.as_tensor(vectors, dtype=torch.float32)
    p = table[position[pronoun.lower()]]
    return {c: float(torch.nn.functional.cosine_similarity(p, table[position[c.lower()]], dim=0)) for c in candidates}
