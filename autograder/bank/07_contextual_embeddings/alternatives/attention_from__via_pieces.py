# Correct: finds the word by its pieces with boundary checks, float64 result.
import numpy as np
import torch


def attention_from(sentence, word, layer, model, tokenizer):
    """Attention weights from the first piece of `word` to every token, per head."""
    tokens, _ = token_states(sentence, model, tokenizer)
    target = tokenizer.tokenize(word)
    n = len(target)
    starts = [s for s in range(1, len(tokens) - n + 1)
              if tokens[s:s + n] == target and not (tokens[s + n] if s + n < len(tokens) else "").startswith("##")]
    if not starts:
        raise ValueError(f"{word!r} is not in the sentence")
    with torch.no_grad():
        out = model(**tokenizer(sentence, return_tensors="pt"), output_attentions=True)
    return np.asarray(out.attentions[layer - 1][0, :, starts[0]], dtype=np.float64)
