# Correct alternative: shift with torch.roll, cross-entropy on (B, V, T).
def teacher_forcing_loss(model, src, tgt, bos, pad_id):
    bos_column = torch.full_like(tgt[:, :1], bos)
    tgt_in = torch.roll(tgt, shifts=1, dims=1)
    tgt_in[:, :1] = bos_column
    logits = model(src, tgt_in)
    return F.cross_entropy(logits.transpose(1, 2), tgt, ignore_index=pad_id)
