# Mistake: Every slice is the last layer (last_hidden_state repeated).
import torch


def token_states(sentence, model, tokenizer):
    """Word pieces and hidden states of every layer for one sentence."""
    encoding = tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        output = model(**encoding, output_hidden_states=True)
    tokens = tokenizer.convert_ids_to_tokens(encoding["input_ids"][0].tolist())
    n = len(output.hidden_states)
    return tokens, output.last_hidden_state[0].expand(n, -1, -1).clone()
