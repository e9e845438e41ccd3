# Mistake: one projection used for both keys and values.
class CrossAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = self.k_proj
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x, memory, key_padding_mask=None, causal=False):
        B, T, d = x.shape
        S, h = memory.shape[1], self.n_heads
        q = self.q_proj(x).view(B, T, h, d // h).transpose(1, 2)
        k = self.k_proj(memory).view(B, S, h, d // h).transpose(1, 2)
        v = self.v_proj(memory).view(B, S, h, d // h).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // h)
        if key_padding_mask is not None:
            scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        if causal:
            later = torch.ones(T, S, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(later, float("-inf"))
        mixed = torch.softmax(scores, dim=-1) @ v
        return self.out_proj(mixed.transpose(1, 2).reshape(B, T, d))
