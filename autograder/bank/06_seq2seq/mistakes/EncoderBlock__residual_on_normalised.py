# Mistake: residual added to the normalised stream (x = norm1(x) first).
class EncoderBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.self_attn = CrossAttention(d_model, n_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x, key_padding_mask=None):
        x = self.norm1(x)
        x = x + self.self_attn(x, x, key_padding_mask)
        return x + self.linear2(F.relu(self.linear1(self.norm2(x))))
