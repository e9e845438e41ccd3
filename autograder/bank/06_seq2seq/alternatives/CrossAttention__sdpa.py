# Correct alternative: PyTorch's fused scaled_dot_product_attention with a boolean 'allowed' mask.
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
        allowed = torch.ones(B, 1, T, S, dtype=torch.bool, device=x.device)
        if key_padding_mask is not None:
            allowed = allowed & ~key_padding_mask[:, None, None, :]
        if causal:
            allowed = allowed & torch.ones(T, S, dtype=torch.bool, device=x.device).tril()
        mixed = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
        return self.out_proj(mixed.transpose(1, 2).reshape(B, T, d))
