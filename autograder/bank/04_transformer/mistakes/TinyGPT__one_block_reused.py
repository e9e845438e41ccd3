# Mistake (structure): the same block object is repeated n_layers times (one layer's weights applied n times).
class TinyGPT(nn.Module):
    def __init__(self, vocab_size, max_len, d_model, n_heads, n_layers, d_ff):
        super().__init__()
        self.max_len = max_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        block = TransformerBlock(d_model, n_heads, d_ff)
        self.blocks = nn.ModuleList([block] * n_layers)
        self.ln_f = LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):
        T = idx.shape[1]
        if T > self.max_len:
            raise ValueError(f"T={T} > max_len={self.max_len}")
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(T))
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))
