"""Instructor-only: the time-budgeted training loop of ``scripts/train_tiny_gpt.py``."""

from __future__ import annotations

import csv
import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from instructor.tiny_gpt import CharGPT, evaluate, shifted_cross_entropy
from qkvlab.tinygpt import get_batch


@dataclass
class TrainConfig:
    time_budget: float = 180.0   # seconds on `clock`, evaluations included
    batch_size: int = 32
    block_size: int = 64
    lr: float = 4e-3
    min_lr: float = 4e-4
    warmup_steps: int = 50
    weight_decay: float = 0.05
    eval_every: float = 15.0     # seconds between evaluations
    eval_batches: int = 10
    seed: int = 0
    #: "wall": wall-clock seconds; "cpu": CPU seconds of this process (all its threads), which
    #: on a machine shared with other jobs measures the work done rather than the waiting.
    clock: str = "wall"


def train(model: CharGPT, train_data: torch.Tensor, val_data: torch.Tensor, cfg: TrainConfig,
          progress=None, log_path: Path | None = None) -> list[dict]:
    """Train with AdamW for ``cfg.time_budget`` seconds (on ``cfg.clock``).

    The learning rate warms up over ``warmup_steps`` steps, then follows a cosine from
    ``lr`` down to ``min_lr`` over the *time* budget, so the schedule finishes on time on
    a fast or a slow machine. Returns the log rows (also written to ``log_path`` as CSV).
    ``progress``: an optional tqdm-like bar with ``update(n)`` and ``set_postfix``.
    """
    g = torch.Generator().manual_seed(cfg.seed)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.99))
    rows: list[dict] = []
    writer = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = open(log_path, "w", newline="")
        writer = csv.DictWriter(log_file, fieldnames=["step", "seconds", "wall_seconds", "train_loss", "val_loss",
                                                      "lr"])
        writer.writeheader()

    def log(step: int, seconds: float, lr: float) -> None:
        row = {"step": step, "seconds": round(seconds, 2),
               "wall_seconds": round(time.perf_counter() - wall_start, 2),
               "train_loss": round(evaluate(model, train_data, cfg.block_size, 16, cfg.eval_batches), 4),
               "val_loss": round(evaluate(model, val_data, cfg.block_size, 16, cfg.eval_batches), 4),
               "lr": f"{lr:.2e}"}
        rows.append(row)
        if writer is not None:
            writer.writerow(row)
            log_file.flush()
        if progress is not None:
            progress.set_postfix(val=row["val_loss"], train=row["train_loss"])

    model.train()
    clock = time.process_time if cfg.clock == "cpu" else time.perf_counter
    wall_start = time.perf_counter()
    start = clock()
    step, next_eval, lr = 0, cfg.eval_every, cfg.lr
    log(0, 0.0, 0.0)
    # The clock includes the evaluations.
    while (elapsed := clock() - start) < cfg.time_budget:
        frac = min(elapsed / cfg.time_budget, 1.0)
        lr = cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * frac))
        lr *= min(1.0, (step + 1) / cfg.warmup_steps)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = get_batch(train_data, cfg.batch_size, cfg.block_size, g)
        loss = shifted_cross_entropy(model(batch), batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        now = clock() - start
        if progress is not None:
            progress.update(round(min(now, cfg.time_budget) - min(elapsed, cfg.time_budget), 2))
        if now >= next_eval:
            log(step, clock() - start, lr)
            next_eval += cfg.eval_every
    if rows[-1]["step"] != step:
        log(step, clock() - start, lr)
    if writer is not None:
        log_file.close()
    return rows
