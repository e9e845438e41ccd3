# Alternative: asks most_similar for k + 3 words without exclusion, then drops a, b and c.
def analogy(a, b, c, vectors, words, k=1):
    """Filter afterwards, with enough spare candidates."""
    index = {word: i for i, word in enumerate(words)}
    missing = [word for word in (a, b, c) if word not in index]
    if missing:
        raise KeyError(f"unknown word: {missing[0]}")
    target = vectors[index[c]] + (vectors[index[b]] - vectors[index[a]])
    candidates = most_similar(target, vectors, words, k=k + 3)
    return [(w, s) for w, s in candidates if w not in {a, b, c}][:k]
