# Mistake: no gradient clipping at all.
def train_step(model, batch, optimizer, max_grad_norm):
    """One step."""
    x, y = batch
    model.train()
    optimizer.zero_grad()
    logits, _ = model(x)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    loss.backward()
    optimizer.step()
    return loss.item()
