# Mistake: mixes positions (subtracts the mean over the sequence).
class FeedForward(nn.Module):
    """Position-wise feed-forward network: fc1 (d_model -> d_ff), GELU, fc2 (d_ff -> d_model).

    Args:
        d_model: width of the input and the output.
        d_ff: width of the hidden layer (GPT uses 4 * d_model).

    ``forward(x)``: x of shape (..., d_model) -> same shape; each position is transformed on its
    own, with the same weights.

    Difficulty: 1/5. Time: about 10 minutes.
    """

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.fc1 = nn.Linear(d_model, d_ff)
        self.fc2 = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.gelu(self.fc1(x))
        return self.fc2(h - h.mean(dim=-2, keepdim=True))
