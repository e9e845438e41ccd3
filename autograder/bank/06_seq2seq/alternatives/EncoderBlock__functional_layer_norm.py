# Correct alternative: F.layer_norm with the norms' own weights; torch.relu.
class EncoderBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model)
        self.self_attn = CrossAttention(d_model, n_heads)
        self.norm2 = nn.LayerNorm(d_model)
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)

    def forward(self, x, key_padding_mask=None):
        h = F.layer_norm(x, x.shape[-1:], self.norm1.weight, self.norm1.bias, self.norm1.eps)
        x = x + self.self_attn(h, h, key_padding_mask)
        return x + self.linear2(torch.relu(self.linear1(
            F.layer_norm(x, x.shape[-1:], self.norm2.weight, self.norm2.bias, self.norm2.eps))))
