# Mistake: breaks the stated rule, wraps nn.LayerNorm instead of normalising by hand.
class LayerNorm(nn.Module):
    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))
        self.bias = nn.Parameter(torch.zeros(d_model))

    def forward(self, x):
        inner = nn.LayerNorm(x.shape[-1], eps=self.eps, elementwise_affine=False)
        return inner(x) * self.weight + self.bias
