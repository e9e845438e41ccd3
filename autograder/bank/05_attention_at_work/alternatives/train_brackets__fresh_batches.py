# Alternative: a fresh bracket batch every step (no fixed training set), smaller batches, more steps.
def train_brackets(seed: int) -> nn.Module:
    """Train a bracket model."""
    torch.manual_seed(seed)
    pool = make_brackets(4000, seed=seed + 1000)
    model = BracketModel(d_model=32, n_heads=4)

    def get_batch(step):
        lo = (step * 48) % (len(pool["x"]) - 48)
        return pool["x"][lo:lo + 48], pool["y"][lo:lo + 48]

    train(model, get_batch, steps=450, peak_lr=8e-3, warmup=40, max_grad_norm=0.5)
    return model
