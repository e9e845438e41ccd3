# Alternative: blocks appended one by one to an empty ModuleList.
class TinyGPT(nn.Module):
    """A decoder-only transformer language model.

    Args:
        vocab_size: number of distinct tokens V.
        max_len: longest sequence the model accepts (rows of the position table).
        d_model, n_heads, d_ff: sizes of each block.
        n_layers: number of blocks.

    Attributes:
        tok_emb: ``nn.Embedding(vocab_size, d_model)``; pos_emb: ``nn.Embedding(max_len, d_model)``;
        blocks: ``nn.ModuleList`` of n_layers ``TransformerBlock``; ln_f: ``LayerNorm(d_model)``;
        lm_head: ``nn.Linear(d_model, vocab_size)``; max_len: the int ``max_len``.

    ``forward(idx)``: idx of shape (B, T), dtype long, T <= max_len -> logits (B, T, V).
    Raises ``ValueError`` if T > max_len.

    Difficulty: 3/5. Time: about 30 minutes.
    """

    def __init__(self, vocab_size: int, max_len: int, d_model: int, n_heads: int, n_layers: int, d_ff: int):
        super().__init__()
        self.max_len = max_len
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList()
        for _ in range(n_layers):
            self.blocks.append(TransformerBlock(d_model, n_heads, d_ff))
        self.ln_f = LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        B, T = idx.shape
        if T > self.max_len:
            raise ValueError(f"sequence length {T} is longer than max_len={self.max_len}")
        positions = torch.arange(T, device=idx.device)
        x = self.tok_emb(idx) + self.pos_emb(positions)  # (B, T, d_model)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))  # (B, T, V)
