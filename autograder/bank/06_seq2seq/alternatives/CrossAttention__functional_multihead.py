# Correct alternative: PyTorch's multi-head attention function with separate projection weights.
class CrossAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)

    def forward(self, x, memory, key_padding_mask=None, causal=False):
        T, S, d = x.shape[1], memory.shape[1], x.shape[2]
        mask = torch.ones(T, S, dtype=torch.bool, device=x.device).triu(1) if causal else None
        out, _ = F.multi_head_attention_forward(
            x.transpose(0, 1), memory.transpose(0, 1), memory.transpose(0, 1), d, self.n_heads,
            None, torch.cat([self.q_proj.bias, self.k_proj.bias, self.v_proj.bias]), None, None, False, 0.0,
            self.out_proj.weight, self.out_proj.bias, training=False, key_padding_mask=key_padding_mask,
            need_weights=False, attn_mask=mask, use_separate_proj_weight=True,
            q_proj_weight=self.q_proj.weight, k_proj_weight=self.k_proj.weight,
            v_proj_weight=self.v_proj.weight)
        return out.transpose(0, 1)
