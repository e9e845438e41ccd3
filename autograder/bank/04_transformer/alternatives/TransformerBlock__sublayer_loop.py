# Alternative: a loop over (norm, sublayer) pairs.
class TransformerBlock(nn.Module):
    """Pre-norm transformer block: x = x + attn(ln1(x)); x = x + ff(ln2(x)).

    Args:
        d_model: width of the residual stream.
        n_heads: number of attention heads (divides d_model).
        d_ff: hidden width of the feed-forward network.

    Attributes:
        ln1, ln2: ``LayerNorm(d_model)``.
        attn: the given ``CausalSelfAttention(d_model, n_heads)``.
        ff: ``FeedForward(d_model, d_ff)``.

    ``forward(x)``: x of shape (B, T, d_model) -> (B, T, d_model). Causal: output position t
    depends only on input positions 0..t.

    Difficulty: 2/5. Time: about 20 minutes.
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.ln1 = LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.ln2 = LayerNorm(d_model)
        self.ff = FeedForward(d_model, d_ff)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for norm, sublayer in ((self.ln1, self.attn), (self.ln2, self.ff)):
            x = x + sublayer(norm(x))
        return x
