# Mistake: far too short a run (40 steps): fast, but the model has not learned to match brackets.
def train_brackets(seed: int) -> nn.Module:
    """Train a bracket model."""
    torch.manual_seed(seed)
    data = make_brackets(500, seed=seed)
    model = BracketModel()

    def get_batch(step):
        rows = torch.randint(0, len(data["x"]), (64,))
        return data["x"][rows], data["y"][rows]

    train(model, get_batch, steps=40, peak_lr=1e-2, warmup=5)
    return model
