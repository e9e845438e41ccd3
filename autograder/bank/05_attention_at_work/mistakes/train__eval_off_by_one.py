# Mistake: evaluates when step % eval_every == 0 (before step 0, not after the last step).
def train(model, get_batch, steps, peak_lr, warmup, max_grad_norm=1.0, weight_decay=0.01, evaluate=None,
          eval_every=100):
    """Training loop."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=weight_decay)
    history = {"loss": [], "lr": [], "eval": []}
    for step in range(steps):
        lr = lr_at(step, warmup, steps, peak_lr)
        for group in optimizer.param_groups:
            group["lr"] = lr
        history["lr"].append(lr)
        if evaluate is not None and step % eval_every == 0:
            history["eval"].append((step, evaluate(model)))
        history["loss"].append(train_step(model, get_batch(step), optimizer, max_grad_norm))
    return history
