# Mistake: scores the word after the pronoun instead of the pronoun itself.
def pronoun_scores(sentence, pronoun, candidates, words, vectors):
    tokens = [t.strip(".,;:!?\"'()").lower() for t in sentence.split()]
    index = {w: i for i, w in enumerate(words)}
    for w in (pronoun, *candidates):
        if w.lower() not in tokens:
            raise ValueError(f"{w!r} is not a word of the sentence")
    after = tokens[tokens.index(pronoun.lower()) + 1]
    rows = [index[after]] + [index[c.lower()] for c in candidates]
    scores = cosine_similarity(vectors[rows[:1]], vectors[rows[1:]])[0]
    return {c: float(s) for c, s in zip(candidates, scores)}
