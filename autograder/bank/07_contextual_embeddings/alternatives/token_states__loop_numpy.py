# Correct: collects the layers in a loop and returns a tensor built from NumPy.
import numpy as np
import torch


def token_states(sentence, model, tokenizer):
    """Word pieces and hidden states of every layer for one sentence."""
    encoding = tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        output = model(**encoding, output_hidden_states=True)
    tokens = tokenizer.convert_ids_to_tokens(encoding["input_ids"][0].tolist())
    layers = []
    for hidden in output.hidden_states:
        layers.append(hidden[0].numpy())
    return list(tokens), torch.from_numpy(np.stack(layers))
