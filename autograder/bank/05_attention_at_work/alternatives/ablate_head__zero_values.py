# Alternative: silence the head's values (rows of the V projection and its bias) in a copy.
def ablate_head(model, layer, head):
    """Ablated copy."""
    ablated = copy.deepcopy(model)
    attn = ablated.layers[layer].attn
    d, size = attn.embed_dim, attn.embed_dim // attn.num_heads
    rows = slice(2 * d + head * size, 2 * d + (head + 1) * size)
    with torch.no_grad():
        attn.in_proj_weight[rows] = 0.0
        attn.in_proj_bias[rows] = 0.0
    return ablated
