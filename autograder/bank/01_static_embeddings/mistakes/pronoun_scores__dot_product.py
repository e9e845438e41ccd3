# Mistake: scores by the raw dot product instead of the cosine.
def pronoun_scores(sentence, pronoun, candidates, words, vectors):
    tokens = {t.strip(".,;:!?\"'()").lower() for t in sentence.split()}
    index = {w: i for i, w in enumerate(words)}
    for w in (pronoun, *candidates):
        if w.lower() not in tokens:
            raise ValueError(f"{w!r} is not in the sentence")
    p = vectors[index[pronoun.lower()]]
    return {c: float(vectors[index[c.lower()]] @ p) for c in candidates}
