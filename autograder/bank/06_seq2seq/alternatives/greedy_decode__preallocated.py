# Correct alternative: output preallocated and filled column by column.
def greedy_decode(model, src, max_len, bos, eos):
    out = torch.full((src.shape[0], max_len + 1), eos, dtype=torch.long, device=src.device)
    out[:, 0] = bos
    steps = 0
    finished = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
    with torch.no_grad():
        for _ in range(max_len):
            next_id = model(src, out[:, : steps + 1]).argmax(dim=-1)[:, -1]
            next_id = torch.where(finished, torch.full_like(next_id, eos), next_id)
            steps += 1
            out[:, steps] = next_id
            finished = finished | (next_id == eos)
            if bool(finished.all()):
                break
    return out[:, : steps + 1]
