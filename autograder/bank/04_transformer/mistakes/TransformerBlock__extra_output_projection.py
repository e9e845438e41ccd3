# Mistake (structure): an extra, undocumented linear layer on the block's output.
class TransformerBlock(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.ln1 = LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.ln2 = LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff)
        self.out = nn.Linear(d_model, d_model)
        with torch.no_grad():
            self.out.weight.copy_(torch.eye(d_model))
            self.out.bias.zero_()

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return self.out(x + self.ff(self.ln2(x)))
