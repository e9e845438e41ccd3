# Alternative: the loss as a masked mean of per-position losses.
def train_step(model, batch, optimizer, max_grad_norm):
    """One step."""
    x, y = batch
    model.train()
    for p in model.parameters():
        p.grad = None
    logits, _ = model(x)
    keep = y != -100
    per_position = F.cross_entropy(logits[keep], y[keep], reduction="none")
    loss = per_position.sum() / keep.sum()
    loss.backward()
    nn.utils.clip_grad_norm_(list(model.parameters()), max_norm=max_grad_norm)
    optimizer.step()
    return loss.detach().item()
