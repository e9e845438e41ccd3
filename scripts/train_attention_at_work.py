"""Train the small models that chapter 5's pages analyse and save them as TorchScript.

Run from the repository root (about three CPU-minutes on one thread):

    .venv/bin/python scripts/train_attention_at_work.py

It trains ``instructor.attention_at_work.Classifier`` models with the reference loop
(AdamW, warm-up + cosine, clipping) and writes into ``assets/05_attention_at_work/``:

* ``brackets_seed{0,1,2}.pt``: the bracket model trained from three seeds;
* ``brackets_nopos.pt``: the same recipe, seed 0, without positional embeddings;
* ``agreement_seed{0,1,2}.pt``: the agreement model from three seeds;
* ``brackets_test.pt``, ``agreement_test.pt``: the held-out sets (tensors) the pages evaluate on;
* ``training_log.csv``: one row per evaluation and model (CPU seconds, loss, accuracy);
* ``head_scores.json``: for each model, the mean attention (layers x heads) from each closer to
  its opener, or from the verb to the subject, on the held-out set.

Each ``.pt`` model is traced: ``forward(x, keep)`` maps ids (B, T) and a (layers, heads)
on/off table to logits (B, T, classes) and attention weights (layers, B, heads, T, T). The
pages load them with ``torch.jit.load``; no Python source of the model ships.
"""

from __future__ import annotations

import csv
import json
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from instructor.attention_at_work import (  # noqa: E402
    Classifier,
    agreement_vocab,
    bracket_vocab,
    fit,
    make_agreement,
    make_brackets,
)

OUT = ROOT / "assets" / "05_attention_at_work"
PAIRS, TYPES = 8, 3
SIZES = {"d_model": 64, "n_heads": 4, "n_layers": 2, "d_ff": 128}
RECIPE = {"batch": 64, "peak": 3e-3, "warmup": 50, "clip": 1.0, "weight_decay": 0.01, "eval_every": 50}


def mean_attention(weights: torch.Tensor, query: torch.Tensor, key: torch.Tensor) -> list[list[float]]:
    """(layers, B, heads, T, T) weights, (B, K) positions -> (layers, heads) mean weight query -> key."""
    rows = torch.arange(weights.shape[1])[:, None].expand_as(query)
    picked = weights[:, rows, :, query, key]  # (B, K, layers, heads): advanced indices go first
    return picked.mean(dim=(0, 1)).tolist()


def closer_pairs(data: dict) -> tuple[torch.Tensor, torch.Tensor]:
    query = torch.stack([torch.nonzero(row >= 0).flatten() for row in data["opener"]])
    return query, data["opener"].gather(1, query)


def main() -> None:
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    tasks = {
        "brackets": (make_brackets(20000, PAIRS, TYPES, seed=100), make_brackets(2000, PAIRS, TYPES, seed=101),
                     len(bracket_vocab(TYPES)), TYPES, 1600),
        "agreement": (make_agreement(20000, seed=200), make_agreement(2000, seed=201), len(agreement_vocab()), 2, 400),
    }
    torch.save(tasks["brackets"][1], OUT / "brackets_test.pt")
    torch.save(tasks["agreement"][1], OUT / "agreement_test.pt")
    runs = [("brackets", s, True) for s in (0, 1, 2)] + [("brackets", 0, False)]
    runs += [("agreement", s, True) for s in (0, 1, 2)]
    log_rows, scores = [], {}
    for task, seed, positions in runs:
        train, test, vocab, classes, steps = tasks[task]
        name = f"{task}_seed{seed}" if positions else f"{task}_nopos"
        torch.manual_seed(seed)
        model = Classifier(vocab, classes, train["x"].shape[1], positions=positions, **SIZES)
        start = time.process_time()
        log = fit(model, train, test, steps, seed=seed, **RECIPE)
        print(f"{name}: {time.process_time() - start:.1f} CPU-s, final {log[-1]}", flush=True)
        log_rows += [{"model": name, **row} for row in log]
        keep = torch.ones(model.n_layers, model.n_heads)
        with torch.no_grad():
            _, weights = model(test["x"], keep)
        query, key = closer_pairs(test) if task == "brackets" else (test["verb"][:, None], test["subject"][:, None])
        scores[name] = mean_attention(weights, query, key)
        traced = torch.jit.trace(model, (test["x"][:2], keep))
        torch.jit.save(traced, OUT / f"{name}.pt")
    with open(OUT / "training_log.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(log_rows[0]))
        writer.writeheader()
        writer.writerows(log_rows)
    meta = {"command": "python scripts/train_attention_at_work.py", "torch": torch.__version__,
            "machine": platform.machine(), "threads": 1, "sizes": SIZES, "recipe": RECIPE,
            "steps": {k: v[-1] for k, v in tasks.items()}, "pairs": PAIRS, "types": TYPES,
            "bracket_vocab": bracket_vocab(TYPES), "agreement_vocab": agreement_vocab(), "head_scores": scores}
    (OUT / "head_scores.json").write_text(json.dumps(meta, indent=1) + "\n")


if __name__ == "__main__":
    main()
