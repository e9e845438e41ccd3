# Mistake: counts heads in units of n_heads instead of head_dim, so it silences the wrong slice.
def ablate_head(model, layer, head):
    """Ablated copy."""
    ablated = copy.deepcopy(model)
    attn = ablated.layers[layer].attn
    size = attn.embed_dim // attn.num_heads
    with torch.no_grad():
        attn.out_proj.weight[:, head * attn.num_heads:head * attn.num_heads + size] = 0.0
    return ablated
