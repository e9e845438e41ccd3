# Correct alternative: log-softmax, gather and a masked mean by hand, in float64.
def teacher_forcing_loss(model, src, tgt, bos, pad_id):
    bos_column = torch.full_like(tgt[:, :1], bos)
    tgt_in = torch.cat([bos_column, tgt[:, :-1]], dim=1)
    logits = model(src, tgt_in)
    logp = torch.log_softmax(logits.double(), dim=-1)
    picked = logp.gather(-1, tgt.clamp(min=0)[..., None])[..., 0]
    real = (tgt != pad_id).double()
    return (-(picked * real).sum() / real.sum()).float()
