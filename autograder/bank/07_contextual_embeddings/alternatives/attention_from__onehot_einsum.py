# Correct: selects the query row with a one-hot vector and einsum, all layers stacked.
import numpy as np
import torch


def attention_from(sentence, word, layer, model, tokenizer):
    """Attention weights from the first piece of `word` to every token, per head."""
    encoding = tokenizer(sentence, return_tensors="pt")
    tokens = tokenizer.convert_ids_to_tokens(encoding["input_ids"][0].tolist())
    word_ids = encoding.word_ids()
    first = None
    for t, i in enumerate(word_ids):
        if i is None:
            continue
        start, end = encoding.word_to_chars(i)
        if sentence[start:end].lower() == word.lower():
            first = t
            break
    if first is None:
        raise ValueError(f"{word} not found")
    with torch.no_grad():
        stacked = torch.stack(model(**encoding, output_attentions=True).attentions)[:, 0].numpy()  # (L, H, T, T)
    onehot = np.eye(len(tokens))[first]
    return np.einsum("hij,i->hj", stacked[layer - 1], onehot)
