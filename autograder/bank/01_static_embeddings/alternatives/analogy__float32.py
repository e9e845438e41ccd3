# Alternative: the target vector b - a + c built in float32 before ranking.
import numpy as np


def analogy(a, b, c, vectors, words, k=1):
    index = {w: i for i, w in enumerate(words)}
    missing = [w for w in (a, b, c) if w not in index]
    if missing:
        raise KeyError(f"not in the vocabulary: {missing[0]!r}")
    V = np.asarray(vectors, dtype=np.float32)
    target = V[index[b]] - V[index[a]] + V[index[c]]
    return most_similar(target, V, words, k=k, exclude=(a, b, c))
