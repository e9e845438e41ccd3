# Mistake: splits on spaces but keeps punctuation, so "violence." is not the word "violence".
def pronoun_scores(sentence, pronoun, candidates, words, vectors):
    tokens = {t.lower() for t in sentence.split()}
    index = {w: i for i, w in enumerate(words)}
    for w in (pronoun, *candidates):
        if w.lower() not in tokens:
            raise ValueError(f"{w!r} is not a word of the sentence")
    rows = [index[w.lower()] for w in (pronoun, *candidates)]
    scores = cosine_similarity(vectors[rows[:1]], vectors[rows[1:]])[0]
    return {c: float(s) for c, s in zip(candidates, scores)}
