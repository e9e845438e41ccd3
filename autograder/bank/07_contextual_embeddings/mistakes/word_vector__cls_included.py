# Mistake: [CLS] included in the word: the mean runs over [CLS] and the pieces.
import torch


def word_vector(sentence, word, layer, model, tokenizer):
    """Vector of `word` at `layer`: the mean of its word pieces' hidden states (first occurrence)."""
    encoding = tokenizer(sentence)
    word_ids = encoding.word_ids()
    for index in dict.fromkeys(i for i in word_ids if i is not None):
        span = encoding.word_to_chars(index)
        if sentence[span.start:span.end].lower() == word.lower():
            break
    else:
        raise ValueError(f"the word {word!r} does not occur in {sentence!r}")
    pieces = [t for t, i in enumerate(word_ids) if i == index]
    _, states = token_states(sentence, model, tokenizer)
    return states[layer, [0] + pieces].mean(dim=0)
