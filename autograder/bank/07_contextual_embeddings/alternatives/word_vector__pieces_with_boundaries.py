# Correct: searches the word's pieces in the tokens, checking word boundaries.
import torch


def word_vector(sentence, word, layer, model, tokenizer):
    """Vector of `word` at `layer`: the mean of its word pieces' hidden states (first occurrence)."""
    tokens, states = token_states(sentence, model, tokenizer)
    target = tokenizer.tokenize(word)
    n = len(target)
    for start in range(1, len(tokens) - n + 1):
        after = tokens[start + n] if start + n < len(tokens) else ""
        if tokens[start:start + n] == target and not after.startswith("##"):
            return states[layer, start:start + n].mean(dim=0)
    raise ValueError(f"no word {word!r} here")
