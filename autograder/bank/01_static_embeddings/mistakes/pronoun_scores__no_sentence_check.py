# Mistake: never checks that the words occur in the sentence (no ValueError).
def pronoun_scores(sentence, pronoun, candidates, words, vectors):
    index = {w: i for i, w in enumerate(words)}
    rows = [index[w.lower()] for w in (pronoun, *candidates)]
    scores = cosine_similarity(vectors[rows[:1]], vectors[rows[1:]])[0]
    return {c: float(s) for c, s in zip(candidates, scores)}
