# Correct alternative: sub-layers as (norm, function) pairs in a loop; clamp as ReLU.
class EncoderBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.self_attn = CrossAttention(d_model, n_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x, key_padding_mask=None):
        steps = [(self.norm1, lambda h: self.self_attn(h, h, key_padding_mask=key_padding_mask)),
                 (self.norm2, lambda h: self.linear2(self.linear1(h).clamp(min=0)))]
        for norm, sublayer in steps:
            x = x + sublayer(norm(x))
        return x
