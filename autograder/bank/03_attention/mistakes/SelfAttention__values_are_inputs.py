# Mistake: values are the raw token vectors projected by W_k instead of W_v.
class SelfAttention(nn.Module):
    def __init__(self, d_model, d_head):
        super().__init__()
        self.W_q = nn.Linear(d_model, d_head, bias=False)
        self.W_k = nn.Linear(d_model, d_head, bias=False)
        self.W_v = nn.Linear(d_model, d_head, bias=False)

    def forward(self, x, mask=None):
        k = self.W_k(x)
        return scaled_dot_product_attention(self.W_q(x), k, k, mask)
