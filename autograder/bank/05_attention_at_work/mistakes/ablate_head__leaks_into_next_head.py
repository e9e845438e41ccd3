# Mistake: the slice is one head too wide, so part of the next head is silenced too.
def ablate_head(model, layer, head):
    """Ablated copy."""
    ablated = copy.deepcopy(model)
    attn = ablated.layers[layer].attn
    size = attn.embed_dim // attn.num_heads
    with torch.no_grad():
        attn.out_proj.weight[:, head * size:(head + 1) * size + 2] = 0.0
    return ablated
