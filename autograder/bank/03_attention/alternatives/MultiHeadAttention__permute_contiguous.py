# Alternative: permute + contiguous().view instead of transpose + reshape.
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError("n_heads must divide d_model")
        self.d_model, self.n_heads = d_model, n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x, mask=None):
        B, T, _ = x.shape
        heads = [p(x).view(B, T, self.n_heads, -1).permute(0, 2, 1, 3) for p in (self.q_proj, self.k_proj, self.v_proj)]
        out, weights = scaled_dot_product_attention(*heads, mask=mask)
        out = out.permute(0, 2, 1, 3).contiguous().view(B, T, self.d_model)
        return self.out_proj(out), weights
