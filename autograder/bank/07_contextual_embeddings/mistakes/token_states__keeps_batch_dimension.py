# Mistake: Returns (n_layers + 1, 1, T, d): the batch dimension is kept.
import torch


def token_states(sentence, model, tokenizer):
    """Word pieces and hidden states of every layer for one sentence."""
    encoding = tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        output = model(**encoding, output_hidden_states=True)
    tokens = tokenizer.convert_ids_to_tokens(encoding["input_ids"][0].tolist())
    return tokens, torch.stack(output.hidden_states)
