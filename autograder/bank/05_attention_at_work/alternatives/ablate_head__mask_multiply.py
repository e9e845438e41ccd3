# Alternative: multiply out_proj by a 0/1 column mask built with repeat_interleave; state dict copy.
class _Restore:
    def __init__(self, model, layer, head):
        self.model, self.layer, self.head = model, layer, head

    def __enter__(self):
        self.saved = {k: v.clone() for k, v in self.model.state_dict().items()}
        attn = self.model.layers[self.layer].attn
        keep = torch.ones(attn.num_heads)
        keep[self.head] = 0.0
        with torch.no_grad():
            attn.out_proj.weight.mul_(keep.repeat_interleave(attn.embed_dim // attn.num_heads))
        return self.model

    def __exit__(self, *exc):
        self.model.load_state_dict(self.saved)
        return False


def ablate_head(model, layer, head):
    """Ablate inside a with block."""
    return _Restore(model, layer, head)
