# Correct alternative: rows kept as Python lists, stacked at the end.
def greedy_decode(model, src, max_len, bos, eos):
    rows = [[bos] for _ in range(src.shape[0])]
    for _ in range(max_len):
        if all(eos in row[1:] for row in rows):
            break
        with torch.no_grad():
            logits = model(src, torch.tensor(rows, dtype=torch.long))
        for b, row in enumerate(rows):
            row.append(eos if eos in row[1:] else int(logits[b, -1].argmax()))
    return torch.tensor(rows, dtype=torch.long)
