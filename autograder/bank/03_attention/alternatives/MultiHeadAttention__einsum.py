# Alternative: einsum on (B, T, H, d_head) tensors, no explicit transposes.
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        if d_model % n_heads != 0:
            raise ValueError(f"{d_model} % {n_heads} != 0")
        self.h = n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x, mask=None):
        B, T, D = x.shape
        q = self.q_proj(x).reshape(B, T, self.h, D // self.h)
        k = self.k_proj(x).reshape(B, T, self.h, D // self.h)
        v = self.v_proj(x).reshape(B, T, self.h, D // self.h)
        scores = torch.einsum("bthd,bshd->bhts", q, k) / math.sqrt(D // self.h)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = softmax(scores, dim=-1)
        out = torch.einsum("bhts,bshd->bthd", weights, v).reshape(B, T, D)
        return self.out_proj(out), weights
