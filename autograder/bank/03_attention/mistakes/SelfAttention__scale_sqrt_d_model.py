# Mistake: scales the scores by sqrt(d_model) instead of sqrt(d_head).
class SelfAttention(nn.Module):
    def __init__(self, d_model, d_head):
        super().__init__()
        self.d_model = d_model
        self.W_q = nn.Linear(d_model, d_head, bias=False)
        self.W_k = nn.Linear(d_model, d_head, bias=False)
        self.W_v = nn.Linear(d_model, d_head, bias=False)

    def forward(self, x, mask=None):
        q, k, v = self.W_q(x), self.W_k(x), self.W_v(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_model)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = softmax(scores, dim=-1)
        return weights @ v, weights
