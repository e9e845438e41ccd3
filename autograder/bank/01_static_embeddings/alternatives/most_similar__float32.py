# Alternative: similarities in float32 (GloVe's own dtype), ranked with np.argsort.
import numpy as np


def most_similar(query, vectors, words, k=5, exclude=()):
    q = np.asarray(query, dtype=np.float32)
    V = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(V, axis=1) * np.linalg.norm(q)
    sims = np.divide(V @ q, norms, out=np.zeros(len(V), dtype=np.float32), where=norms > 0)
    out = []
    for i in np.argsort(-sims, kind="stable"):
        if words[i] not in exclude:
            out.append((words[i], float(sims[i])))
        if len(out) == k:
            break
    return out
