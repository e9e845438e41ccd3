# Alternative: keeps the three projections in a dict as well and loops over them.
class SelfAttention(nn.Module):
    def __init__(self, d_model, d_head):
        super().__init__()
        self.W_q, self.W_k, self.W_v = (nn.Linear(d_model, d_head, bias=False) for _ in range(3))

    def forward(self, x, mask=None):
        q, k, v = [proj(x) for proj in (self.W_q, self.W_k, self.W_v)]
        return scaled_dot_product_attention(q, k, v, mask=mask)
