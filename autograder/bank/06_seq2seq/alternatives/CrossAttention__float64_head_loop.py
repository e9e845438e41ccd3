# Correct alternative: one head at a time in a Python loop, scores in float64.
class CrossAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x, memory, key_padding_mask=None, causal=False):
        B, T, d = x.shape
        S, h = memory.shape[1], self.n_heads
        q = self.q_proj(x).view(B, T, h, d // h).transpose(1, 2)
        k = self.k_proj(memory).view(B, S, h, d // h).transpose(1, 2)
        v = self.v_proj(memory).view(B, S, h, d // h).transpose(1, 2)
        blocked = torch.zeros(B, T, S, dtype=torch.bool, device=x.device)
        if key_padding_mask is not None:
            blocked = blocked | key_padding_mask[:, None, :]
        if causal:
            blocked = blocked | torch.ones(T, S, dtype=torch.bool, device=x.device).triu(1)
        heads = []
        for i in range(h):
            s = q[:, i].double() @ k[:, i].double().transpose(1, 2) / math.sqrt(d // h)
            w = torch.softmax(s.masked_fill(blocked, float("-inf")), dim=-1)
            heads.append((w @ v[:, i].double()).to(x.dtype))
        mixed = torch.stack(heads, dim=1)
        return self.out_proj(mixed.transpose(1, 2).reshape(B, T, d))
