# Correct alternative: one method per sub-layer.
class DecoderBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.self_attn = CrossAttention(d_model, n_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.cross_attn = CrossAttention(d_model, n_heads)
        self.norm3 = nn.LayerNorm(d_model)
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def _self(self, x):
        h = self.norm1(x)
        return self.self_attn(h, h, causal=True)

    def _cross(self, x, memory, pad):
        return self.cross_attn(self.norm2(x), memory, key_padding_mask=pad)

    def _ffn(self, x):
        return self.linear2(torch.relu(self.linear1(self.norm3(x))))

    def forward(self, x, memory, memory_key_padding_mask=None):
        x = x + self._self(x)
        x = x + self._cross(x, memory, memory_key_padding_mask)
        return x + self._ffn(x)

    def _unused(self, x, memory, memory_key_padding_mask=None):
        h = self.norm1(x)
        x = x + self.self_attn(h, h, causal=True)
        x = x + self.cross_attn(self.norm2(x), memory, memory_key_padding_mask)
        return x + self.linear2(F.relu(self.linear1(self.norm3(x))))
