# Correct alternative: feed-forward written with F.linear on the layers' weights.
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

    def forward(self, x, memory, memory_key_padding_mask=None):
        h = self.norm1(x)
        x = x + self.self_attn(h, h, causal=True)
        x = x + self.cross_attn(self.norm2(x), memory, memory_key_padding_mask)
        hidden = F.relu(F.linear(self.norm3(x), self.linear1.weight, self.linear1.bias))
        return x + F.linear(hidden, self.linear2.weight, self.linear2.bias)
