"""Train the tiny character-level GPT of chapter 4 on the CPU and save a checkpoint.

Run from the repository root (about three minutes on two cores):

    .venv/bin/python scripts/train_tiny_gpt.py

On a machine shared with other jobs, wall-clock time mostly measures waiting; measure the
budget in CPU time of this process instead (what produced the committed checkpoint):

    .venv/bin/python scripts/train_tiny_gpt.py --clock cpu --threads 1

It reads ``data/poetry.txt`` (made by ``scripts/make_poetry_extract.py``), trains
``instructor.tiny_gpt.CharGPT`` (instructor-only code) for a fixed time budget with a progress bar, evaluates
the training and validation loss (nats per character) every few seconds, and writes

* ``assets/tiny_gpt/tiny_gpt.pt``: the weights, the alphabet and the settings (about 3 MB);
* ``assets/tiny_gpt/training_log.csv``: step, seconds, train loss, validation loss, lr;
* ``assets/tiny_gpt/tiny_gpt.ts``: the same model compiled with TorchScript (``scripts/export_tiny_gpt.py``).

The chapter's pages load the compiled model and the notebook the weights, instead of training.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch
from tqdm.auto import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run without `pip install -e .`
sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_tiny_gpt  # noqa: E402 - beside this script

from instructor.tiny_gpt import CharGPT, GPTConfig, evaluate, sample, save_checkpoint
from instructor.training import TrainConfig, train
from qkvlab.data import load_poetry
from qkvlab.tinygpt import CHECKPOINT, TRAINING_LOG, CharTokenizer, count_parameters


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the tiny character-level GPT of chapter 4.")
    parser.add_argument("--seconds", type=float, default=TrainConfig.time_budget, help="time budget (see --clock)")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                        help="measure the budget in wall-clock seconds or in CPU seconds of this process")
    parser.add_argument("--d-model", type=int, default=GPTConfig.d_model)
    parser.add_argument("--n-layers", type=int, default=GPTConfig.n_layers)
    parser.add_argument("--n-heads", type=int, default=GPTConfig.n_heads)
    parser.add_argument("--block-size", type=int, default=TrainConfig.block_size)
    parser.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    parser.add_argument("--lr", type=float, default=TrainConfig.lr)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=CHECKPOINT)
    parser.add_argument("--log", type=Path, default=TRAINING_LOG)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    text = load_poetry()
    tokenizer = CharTokenizer(text)
    data = tokenizer.encode(text)
    n_train = int(0.9 * len(data))  # the last 10 % of the text is held out
    train_data, val_data = data[:n_train], data[n_train:]

    config = GPTConfig(vocab_size=tokenizer.vocab_size, max_len=args.block_size, d_model=args.d_model,
                       n_heads=args.n_heads, n_layers=args.n_layers, d_ff=4 * args.d_model)
    model = CharGPT(config)
    cfg = TrainConfig(time_budget=args.seconds, batch_size=args.batch_size, block_size=args.block_size,
                      lr=args.lr, min_lr=args.lr / 10, seed=args.seed,
                      clock=args.clock)
    print(f"{len(train_data):,} training and {len(val_data):,} validation characters, "
          f"vocabulary {tokenizer.vocab_size}, {count_parameters(model):,} parameters, "
          f"{args.threads} threads, {args.seconds:.0f} s budget ({args.clock} clock)")

    t0 = time.perf_counter()
    # tqdm drops `total` (None) once n overshoots it, as the last update of a timed run does: print the budget.
    bar_format = "{l_bar}{bar}| {n:.0f}/" + f"{args.seconds:.0f}" + " s {postfix}"
    with tqdm(total=args.seconds, unit="s", mininterval=2.0, bar_format=bar_format) as bar:
        rows = train(model, train_data, val_data, cfg, progress=bar, log_path=args.log)
    wall = time.perf_counter() - t0
    final_val = evaluate(model, val_data, cfg.block_size, n_batches=100)
    final_train = evaluate(model, train_data, cfg.block_size, n_batches=100)
    print(f"{rows[-1]['step']} steps, {rows[-1]['seconds']:.1f} s on the {args.clock} clock, {wall:.1f} s wall-clock; "
          "final loss (100 batches): "
          f"train {final_train:.3f}, validation {final_val:.3f} nats/char")

    extra = {"train": {k: v for k, v in asdict(cfg).items()}, "steps": rows[-1]["step"],
             "seconds": rows[-1]["seconds"], "wall_seconds": round(wall, 1),
             "train_loss": round(final_train, 4), "val_loss": round(final_val, 4), "threads": args.threads,
             "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs (shared)",
             "torch": str(torch.__version__), "clock": args.clock,
             "command": "python scripts/train_tiny_gpt.py " + " ".join(sys.argv[1:])}
    save_checkpoint(args.out, model, tokenizer, extra)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) and {args.log}")
    g = torch.Generator().manual_seed(0)
    prompt = tokenizer.encode("Should you ask me").unsqueeze(0)
    print(tokenizer.decode(sample(model, prompt, 200, temperature=0.8, generator=g)[0]))
    if args.out == CHECKPOINT:
        export_tiny_gpt.main()


if __name__ == "__main__":
    main()
