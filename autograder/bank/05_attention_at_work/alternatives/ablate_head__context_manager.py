# Alternative: a context manager that zeroes the columns in place and restores them in `finally`.
import contextlib


@contextlib.contextmanager
def ablate_head(model, layer, head):
    """Ablate inside a with block."""
    attn = model.layers[layer].attn
    size = attn.embed_dim // attn.num_heads
    cols = slice(head * size, (head + 1) * size)
    saved = attn.out_proj.weight[:, cols].detach().clone()
    with torch.no_grad():
        attn.out_proj.weight[:, cols] = 0.0
    try:
        yield model
    finally:
        with torch.no_grad():
            attn.out_proj.weight[:, cols] = saved
