"""Train chapter 6's tiny encoder-decoder on sequence reversal and save it as TorchScript.

Run from the repository root (well under a minute of CPU time):

    .venv/bin/python scripts/train_seq2seq.py

It trains ``instructor.seq2seq.ReverseModel`` with teacher forcing on random symbol strings of
length 1 to ``--train-max`` (10 by default), never on the held-out strings (``instructor.seq2seq.is_held_out``:
checksum sum_i (i + 1) * id_i divisible by 11), and writes

* ``assets/06_seq2seq/reverser.pt``: the model, scripted (``torch.jit.load`` it; no Python source needed);
* ``assets/06_seq2seq/training_log.csv``: step, CPU seconds, training loss, teacher-forced token accuracy.

The pages of chapter 6 load these files; nothing is trained when the website is built.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from instructor.seq2seq import BOS, PAD, Config, ReverseModel, reversal_batch  # noqa: E402

OUT = ROOT / "assets" / "06_seq2seq"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--train-max", type=int, default=10, help="longest training input")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not 1 <= args.train_max < 11:
        parser.error("--train-max must be between 1 and 10 (the held-out rule needs lengths below 11)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)

    cfg = Config()
    model = ReverseModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.1)
    rows = []
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    for step in range(1, args.steps + 1):
        src, tgt = reversal_batch(args.batch, 1, args.train_max, cfg.n_symbols, gen)
        tgt_in = torch.cat([torch.full((len(tgt), 1), BOS), tgt[:, :-1]], dim=1)  # teacher forcing: shift right
        logits, _ = model(src, tgt_in)
        loss = F.cross_entropy(logits.flatten(0, 1), tgt.flatten(), ignore_index=PAD)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0 or step == 1:
            real = tgt != PAD
            acc = ((logits.argmax(-1) == tgt) & real).sum() / real.sum()
            rows.append({"step": step, "cpu_seconds": round(time.process_time() - start_cpu, 2),
                         "train_loss": round(loss.item(), 4), "token_accuracy": round(acc.item(), 4)})
            print(rows[-1], flush=True)
    cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start_wall
    model.eval()
    OUT.mkdir(parents=True, exist_ok=True)
    scripted = torch.jit.script(model)
    extra = {"config.txt": repr({**asdict(cfg), **vars(args), "cpu_seconds": round(cpu, 1),
                                 "wall_seconds": round(wall, 1), "torch": torch.__version__})}
    torch.jit.save(scripted, OUT / "reverser.pt", _extra_files=extra)
    with open(OUT / "training_log.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"trained {args.steps} steps in {cpu:.1f} s CPU ({wall:.1f} s wall); wrote {OUT}")


if __name__ == "__main__":
    main()
