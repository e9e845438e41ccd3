# Mistake (structure): one nn.Linear serves as W_q, W_k and W_v.
class SelfAttention(nn.Module):
    def __init__(self, d_model, d_head):
        super().__init__()
        shared = nn.Linear(d_model, d_head, bias=False)
        self.W_q, self.W_k, self.W_v = shared, shared, shared

    def forward(self, x, mask=None):
        return scaled_dot_product_attention(self.W_q(x), self.W_k(x), self.W_v(x), mask)
