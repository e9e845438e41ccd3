# Mistake: decodes with autograd on.
def greedy_decode(model, src, max_len, bos, eos):
    ys = torch.full((src.shape[0], 1), bos, dtype=torch.long, device=src.device)
    finished = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
    if True:
        for _ in range(max_len):
            next_id = model(src, ys)[:, -1].argmax(dim=-1)
            next_id = torch.where(finished, torch.full_like(next_id, eos), next_id)
            ys = torch.cat([ys, next_id[:, None]], dim=1)
            finished = finished | (next_id == eos)
            if bool(finished.all()):
                break
    return ys
