# Alternative: runs the attention in float64 and casts the results back.
class SelfAttention(nn.Module):
    def __init__(self, d_model, d_head):
        super().__init__()
        self.W_q = nn.Linear(d_model, d_head, bias=False)
        self.W_k = nn.Linear(d_model, d_head, bias=False)
        self.W_v = nn.Linear(d_model, d_head, bias=False)

    def forward(self, x, mask=None):
        q, k, v = (layer(x).double() for layer in (self.W_q, self.W_k, self.W_v))
        out, weights = scaled_dot_product_attention(q, k, v, mask)
        return out.to(x.dtype), weights.to(x.dtype)
