# Correct: builds [CLS] ... [SEP] by hand, calls the model with input_ids only, float64.
import torch


def token_states(sentence, model, tokenizer):
    """Word pieces and hidden states of every layer for one sentence."""
    tokens = [tokenizer.cls_token, *tokenizer.tokenize(sentence), tokenizer.sep_token]
    ids = torch.tensor([tokenizer.convert_tokens_to_ids(tokens)])
    with torch.no_grad():
        hidden = model(input_ids=ids, output_hidden_states=True).hidden_states
    return tokens, torch.cat([h for h in hidden], dim=0).double()
