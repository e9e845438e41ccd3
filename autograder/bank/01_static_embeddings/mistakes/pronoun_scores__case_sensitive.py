# Mistake: matches words with their case, so "THEY" and "Council" are not found.
def pronoun_scores(sentence, pronoun, candidates, words, vectors):
    tokens = {t.strip(".,;:!?\"'()") for t in sentence.split()}
    index = {w: i for i, w in enumerate(words)}
    for w in (pronoun, *candidates):
        if w not in tokens:
            raise ValueError(f"{w!r} is not a word of the sentence")
    rows = [index[w] for w in (pronoun, *candidates)]
    scores = cosine_similarity(vectors[rows[:1]], vectors[rows[1:]])[0]
    return {c: float(s) for c, s in zip(candidates, scores)}
