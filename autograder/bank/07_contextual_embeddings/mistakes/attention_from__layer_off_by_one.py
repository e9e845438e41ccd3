# Mistake: Layer index off by one: attentions[layer] instead of attentions[layer - 1].
import torch


def attention_from(sentence, word, layer, model, tokenizer):
    """Attention weights from the first piece of `word` to every token, per head."""
    encoding = tokenizer(sentence, return_tensors="pt")
    word_ids = encoding.word_ids()
    matches = [t for t, i in enumerate(word_ids)
               if i is not None and sentence[slice(*encoding.word_to_chars(i))].lower() == word.lower()]
    if not matches:
        raise ValueError(f"the word {word!r} does not occur in {sentence!r}")
    position = matches[0]
    with torch.no_grad():
        attentions = model(**encoding, output_attentions=True).attentions
    return attentions[min(layer, len(attentions) - 1)][0, :, position, :].numpy()
