# Alternative: plain loops over the tokens, cosine by hand in float64.
import numpy as np


def pronoun_scores(sentence, pronoun, candidates, words, vectors):
    tokens = []
    for raw in sentence.split():
        tokens.append("".join(ch for ch in raw if ch.isalnum() or ch == "'").strip("'").lower())
    out = {}
    p = None
    for w in [pronoun] + list(candidates):
        if w.lower() not in tokens:
            raise ValueError(f"missing word: {w}")
        if w.lower() not in words:
            raise KeyError(w)
        v = np.asarray(vectors[words.index(w.lower())], dtype=np.float64)
        if p is None:
            p = v
        else:
            out[w] = float(p @ v / (np.linalg.norm(p) * np.linalg.norm(v)))
    return out
