# Mistake: Searches the word's pieces anywhere: 'cash' is found inside 'cashier'.
import torch


def word_vector(sentence, word, layer, model, tokenizer):
    """Vector of `word` at `layer`: the mean of its word pieces' hidden states (first occurrence)."""
    tokens, states = token_states(sentence, model, tokenizer)
    target = tokenizer.tokenize(word)
    for start in range(len(tokens) - len(target) + 1):
        if tokens[start:start + len(target)] == target:
            return states[layer, start:start + len(target)].mean(dim=0)
    raise ValueError(f"the word {word!r} does not occur in {sentence!r}")
