# Mistake: wrong analogy direction, v(a) - v(b) + v(c) instead of v(b) - v(a) + v(c).
def analogy(a, b, c, vectors, words, k=1):
    """Reversed offset."""
    index = {word: i for i, word in enumerate(words)}
    for word in (a, b, c):
        if word not in index:
            raise KeyError(word)
    target = vectors[index[a]] - vectors[index[b]] + vectors[index[c]]
    return most_similar(target, vectors, words, k=k, exclude=(a, b, c))
