"""Compile the trained tiny GPT (assets/tiny_gpt/tiny_gpt.pt) into the TorchScript file the pages load.

    .venv/bin/python scripts/export_tiny_gpt.py

writes ``assets/tiny_gpt/tiny_gpt.ts`` (instructor-only code: ``instructor.tiny_gpt_script``), then checks
that it computes the same logits as the instructor's ``CharGPT`` with the same weights.
``scripts/train_tiny_gpt.py`` runs this at the end of every training run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run without `pip install -e .`
from instructor.tiny_gpt import load_checkpoint
from instructor.tiny_gpt_script import export
from qkvlab.tinygpt import CHECKPOINT, SCRIPTED, load_tiny_gpt


def main() -> None:
    out = export(CHECKPOINT, SCRIPTED)
    reference, tok, _ = load_checkpoint(CHECKPOINT)
    compiled, tok2, _ = load_tiny_gpt(out)
    idx = tok.encode("By the shores of Gitche Gumee,").unsqueeze(0)
    with torch.no_grad():
        gap = (reference(idx) - compiled(idx)).abs().max().item()
    if tok.chars != tok2.chars or gap > 1e-5:
        sys.exit(f"the compiled model disagrees with CharGPT (largest logit gap {gap:.1e})")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB); largest logit gap to CharGPT {gap:.1e}")


if __name__ == "__main__":
    main()
