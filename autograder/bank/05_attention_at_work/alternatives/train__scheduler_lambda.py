# Alternative: PyTorch's LambdaLR with lr_at as the multiplier (base lr = peak_lr); while loop.
def train(model, get_batch, steps, peak_lr, warmup, max_grad_norm=1.0, weight_decay=0.01, evaluate=None,
          eval_every=100):
    """Training loop."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_at(s, warmup, steps, peak_lr) / peak_lr)
    losses, rates, evals = [], [], []
    step = 0
    while step < steps:
        rates.append(optimizer.param_groups[0]["lr"])
        losses.append(train_step(model, get_batch(step), optimizer, max_grad_norm))
        scheduler.step()
        step += 1
        if evaluate and (step % eval_every == 0 or step == steps):
            evals.append((step, evaluate(model)))
    return {"loss": losses, "lr": rates, "eval": evals}
