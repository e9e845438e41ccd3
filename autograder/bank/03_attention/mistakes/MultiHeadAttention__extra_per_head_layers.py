# Mistake (structure): adds an unused per-head nn.ModuleList of projections, so the parameter count is wrong.
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        if d_model % n_heads:
            raise ValueError("d_model must be divisible by n_heads")
        self.n_heads, self.d_head, self.d_model = n_heads, d_model // n_heads, d_model
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.heads = nn.ModuleList(nn.Linear(d_model, self.d_head) for _ in range(n_heads))

    def forward(self, x, mask=None):
        B, T, _ = x.shape
        q, k, v = (p(x).view(B, T, self.n_heads, self.d_head).transpose(1, 2)
                   for p in (self.q_proj, self.k_proj, self.v_proj))
        out, w = scaled_dot_product_attention(q, k, v, mask)
        return self.out_proj(out.transpose(1, 2).reshape(B, T, self.d_model)), w
