# Alternative: computes attention inline with einsum and the weight matrices directly.
class SelfAttention(nn.Module):
    def __init__(self, d_model, d_head):
        super().__init__()
        self.d_head = d_head
        self.W_q = nn.Linear(d_model, d_head, bias=False)
        self.W_k = nn.Linear(d_model, d_head, bias=False)
        self.W_v = nn.Linear(d_model, d_head, bias=False)

    def forward(self, x, mask=None):
        q = torch.einsum("btm,hm->bth", x, self.W_q.weight)
        k = torch.einsum("btm,hm->bth", x, self.W_k.weight)
        v = torch.einsum("btm,hm->bth", x, self.W_v.weight)
        scores = torch.einsum("bth,bsh->bts", q, k) / math.sqrt(self.d_head)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return weights @ v, weights
