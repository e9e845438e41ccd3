# Mistake: a good recipe run far too long (ten times the budget): accurate, but stopped at the 20 CPU-s budget.
def train_brackets(seed: int) -> nn.Module:
    """Train a bracket model."""
    torch.manual_seed(seed)
    data = make_brackets(3000, seed=seed)
    model = BracketModel()

    def get_batch(step):
        rows = torch.randint(0, len(data["x"]), (64,))
        return data["x"][rows], data["y"][rows]

    train(model, get_batch, steps=20000, peak_lr=1e-2, warmup=30)
    return model
