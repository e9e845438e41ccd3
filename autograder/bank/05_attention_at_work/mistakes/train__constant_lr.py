# Mistake: the schedule is logged but never given to the optimiser (it runs at the peak rate).
def train(model, get_batch, steps, peak_lr, warmup, max_grad_norm=1.0, weight_decay=0.01, evaluate=None,
          eval_every=100):
    """Training loop."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=weight_decay)
    history = {"loss": [], "lr": [], "eval": []}
    for step in range(steps):
        history["lr"].append(lr_at(step, warmup, steps, peak_lr))
        history["loss"].append(train_step(model, get_batch(step), optimizer, max_grad_norm))
        if evaluate is not None and ((step + 1) % eval_every == 0 or step + 1 == steps):
            history["eval"].append((step + 1, evaluate(model)))
    return history
