# Mistake: an unknown word raises ValueError (from list.index) instead of a KeyError naming it.
def analogy(a, b, c, vectors, words, k=1):
    """list.index lookup."""
    target = vectors[words.index(b)] - vectors[words.index(a)] + vectors[words.index(c)]
    return most_similar(target, vectors, words, k=k, exclude=(a, b, c))
