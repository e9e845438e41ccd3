# Mistake: breaks the stated rule, calls F.layer_norm instead of normalising by hand.
class LayerNorm(nn.Module):
    """Layer normalisation over the last axis, with a learned scale and shift.

    Args:
        d_model: size of the last axis.
        eps: added to the variance inside the square root.

    Attributes:
        weight: ``nn.Parameter`` of shape (d_model,), initialised to ones (the scale gamma).
        bias: ``nn.Parameter`` of shape (d_model,), initialised to zeros (the shift beta).
        eps: the float ``eps``.

    ``forward(x)``: x of shape (..., d_model) -> same shape; each vector along the last axis is
    normalised to mean 0 and (biased) variance 1, then scaled by ``weight`` and shifted by ``bias``.

    Difficulty: 2/5. Time: about 20 minutes.
    """

    def __init__(self, d_model: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, self.eps)
