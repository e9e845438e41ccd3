# Alternative: AdamW over an explicit list of parameters, evaluation steps computed up front.
def train(model, get_batch, steps, peak_lr, warmup, max_grad_norm=1.0, weight_decay=0.01, evaluate=None,
          eval_every=100):
    """Training loop."""
    optimizer = torch.optim.AdamW(list(model.parameters()), lr=peak_lr, betas=(0.9, 0.999), weight_decay=weight_decay)
    checkpoints = set(range(eval_every, steps + 1, eval_every)) | {steps}
    history = {"loss": [], "lr": [], "eval": []}
    for step in range(steps):
        rate = lr_at(step, warmup, steps, peak_lr)
        for group in optimizer.param_groups:
            group.update(lr=rate)
        history["lr"].append(rate)
        history["loss"].append(train_step(model, get_batch(step), optimizer, max_grad_norm))
        if evaluate is not None and step + 1 in checkpoints:
            history["eval"].append((step + 1, evaluate(model)))
    return history
