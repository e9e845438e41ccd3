# Alternative: a Python loop over heads on column slices, concatenated at the end.
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        if d_model % n_heads:
            raise ValueError("d_model must be divisible by n_heads")
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x, mask=None):
        q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        if mask is not None:
            mask = mask.expand(x.shape[0], self.n_heads, x.shape[1], x.shape[1])
        outs, maps = [], []
        for h in range(self.n_heads):
            cols = slice(h * self.d_head, (h + 1) * self.d_head)
            o, w = scaled_dot_product_attention(q[..., cols], k[..., cols], v[..., cols],
                                                None if mask is None else mask[:, h])
            outs.append(o)
            maps.append(w)
        return self.out_proj(torch.cat(outs, dim=-1)), torch.stack(maps, dim=1)
