# Mistake: summed instead of averaged.
def teacher_forcing_loss(model, src, tgt, bos, pad_id):
    bos_column = torch.full_like(tgt[:, :1], bos)
    tgt_in = torch.cat([bos_column, tgt[:, :-1]], dim=1)
    logits = model(src, tgt_in)
    return F.cross_entropy(logits.flatten(0, 1), tgt.flatten(), ignore_index=pad_id, reduction="sum")
