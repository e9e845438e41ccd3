# Mistake: zeroes rows of out_proj (output features) instead of the head's input columns.
def ablate_head(model, layer, head):
    """Ablated copy."""
    ablated = copy.deepcopy(model)
    attn = ablated.layers[layer].attn
    size = attn.embed_dim // attn.num_heads
    with torch.no_grad():
        attn.out_proj.weight[head * size:(head + 1) * size, :] = 0.0
    return ablated
