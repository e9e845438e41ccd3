# Mistake: the decoder input is the target itself, not shifted.
def teacher_forcing_loss(model, src, tgt, bos, pad_id):
    tgt_in = tgt
    logits = model(src, tgt_in)
    return F.cross_entropy(logits.flatten(0, 1), tgt.flatten(), ignore_index=pad_id)
