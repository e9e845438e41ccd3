# Mistake: keys computed with W_q (queries and keys share one projection).
class SelfAttention(nn.Module):
    def __init__(self, d_model, d_head):
        super().__init__()
        self.W_q = nn.Linear(d_model, d_head, bias=False)
        self.W_k = nn.Linear(d_model, d_head, bias=False)
        self.W_v = nn.Linear(d_model, d_head, bias=False)

    def forward(self, x, mask=None):
        q = self.W_q(x)
        return scaled_dot_product_attention(q, q, self.W_v(x), mask)
