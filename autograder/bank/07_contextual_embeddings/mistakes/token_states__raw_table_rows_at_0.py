# Mistake: Index 0 holds the raw word-embedding table rows (no position, no LayerNorm).
import torch


def token_states(sentence, model, tokenizer):
    """Word pieces and hidden states of every layer for one sentence."""
    encoding = tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        output = model(**encoding, output_hidden_states=True)
    tokens = tokenizer.convert_ids_to_tokens(encoding["input_ids"][0].tolist())
    states = torch.stack(output.hidden_states)[:, 0].clone()
    states[0] = model.embeddings.word_embeddings.weight[encoding["input_ids"][0]]
    return tokens, states
