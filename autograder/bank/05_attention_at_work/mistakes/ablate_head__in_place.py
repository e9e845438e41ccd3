# Mistake: ablates the original model in place and never restores it.
def ablate_head(model, layer, head):
    """Ablated model."""
    attn = model.layers[layer].attn
    size = attn.embed_dim // attn.num_heads
    with torch.no_grad():
        attn.out_proj.weight[:, head * size:(head + 1) * size] = 0.0
    return model
