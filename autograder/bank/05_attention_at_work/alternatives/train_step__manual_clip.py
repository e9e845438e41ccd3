# Alternative: clipping written out (global norm, scale factor capped at 1), zero_grad on the model.
def train_step(model, batch, optimizer, max_grad_norm):
    """One step."""
    x, y = batch
    model.train()
    model.zero_grad()
    logits, _ = model(x)
    loss = F.cross_entropy(logits.transpose(1, 2), y)  # (B, C, T) against (B, T)
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
    scale = min(1.0, max_grad_norm / (float(norm) + 1e-6))
    for g in grads:
        g.mul_(scale)
    optimizer.step()
    return float(loss.detach())
