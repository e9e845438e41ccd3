# Mistake: a peak learning rate of 0.5: training is unstable and does not reach the target.
def train_brackets(seed: int) -> nn.Module:
    """Train a bracket model."""
    torch.manual_seed(seed)
    data = make_brackets(3000, seed=seed)
    model = BracketModel()

    def get_batch(step):
        rows = torch.randint(0, len(data["x"]), (64,))
        return data["x"][rows], data["y"][rows]

    train(model, get_batch, steps=350, peak_lr=0.5, warmup=30)
    return model
