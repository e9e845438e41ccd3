# Mistake: zeroes the head's query projection: it then attends uniformly, but still writes its output.
def ablate_head(model, layer, head):
    """Ablated copy."""
    ablated = copy.deepcopy(model)
    attn = ablated.layers[layer].attn
    size = attn.embed_dim // attn.num_heads
    with torch.no_grad():
        attn.in_proj_weight[head * size:(head + 1) * size] = 0.0
        attn.in_proj_bias[head * size:(head + 1) * size] = 0.0
    return ablated
