# Mistake: Missing word: returns a zero vector instead of raising ValueError.
import torch


def word_vector(sentence, word, layer, model, tokenizer):
    """Vector of `word` at `layer`: the mean of its word pieces' hidden states (first occurrence)."""
    encoding = tokenizer(sentence)
    word_ids = encoding.word_ids()
    _, states = token_states(sentence, model, tokenizer)
    for index in dict.fromkeys(i for i in word_ids if i is not None):
        span = encoding.word_to_chars(index)
        if sentence[span.start:span.end].lower() == word.lower():
            pieces = [t for t, i in enumerate(word_ids) if i == index]
            return states[layer, pieces].mean(dim=0)
    return torch.zeros(states.shape[-1])
