# Mistake: clips every parameter's gradient on its own instead of the norm of all of them together.
def train_step(model, batch, optimizer, max_grad_norm):
    """One step."""
    x, y = batch
    model.train()
    optimizer.zero_grad()
    logits, _ = model(x)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    loss.backward()
    for p in model.parameters():
        torch.nn.utils.clip_grad_norm_([p], max_grad_norm)
    optimizer.step()
    return loss.item()
