# Mistake: only c is excluded; a and b can still be returned.
def analogy(a, b, c, vectors, words, k=1):
    """Partial exclusion."""
    index = {word: i for i, word in enumerate(words)}
    for word in (a, b, c):
        if word not in index:
            raise KeyError(word)
    target = vectors[index[b]] - vectors[index[a]] + vectors[index[c]]
    return most_similar(target, vectors, words, k=k, exclude=(c,))
