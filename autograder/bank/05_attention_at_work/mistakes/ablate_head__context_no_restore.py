# Mistake: a context manager that ablates but does not put the weights back on exit.
import contextlib


@contextlib.contextmanager
def ablate_head(model, layer, head):
    """Ablate inside a with block."""
    attn = model.layers[layer].attn
    size = attn.embed_dim // attn.num_heads
    with torch.no_grad():
        attn.out_proj.weight[:, head * size:(head + 1) * size] = 0.0
    yield model
