# Mistake: a good recipe run far too long: accurate, but it overruns the 20 CPU-second budget.
def train_brackets(seed: int) -> nn.Module:
    """Train a bracket model."""
    torch.manual_seed(seed)
    data = make_brackets(3000, seed=seed)
    model = BracketModel()

    def get_batch(step):
        rows = torch.randint(0, len(data["x"]), (64,))
        return data["x"][rows], data["y"][rows]

    train(model, get_batch, steps=2200, peak_lr=1e-2, warmup=30)
    return model
