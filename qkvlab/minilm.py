"""Quiet loading of all-MiniLM-L6-v2 for chapter 7 (no solution lives here).

``transformers`` reports weight loading with a progress bar and logs advice on
stderr; nbgrader scores a test cell 0 when it writes to stderr and nbval compares
outputs, so pages and notebooks load the model through :func:`load`.
"""

from __future__ import annotations

import os
import warnings


def silence_transformers() -> None:
    """Turn off ``transformers``' progress bars, info/warning logs and Python warnings."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    warnings.filterwarnings("ignore", module=r"(transformers|huggingface_hub|tokenizers)\b")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def load():
    """Load all-MiniLM-L6-v2 offline, in eval mode, with eager attention and no output on stderr.

    Returns:
        ``(model, tokenizer)``: a 6-layer BERT encoder (12 heads, d = 384) and its
        uncased WordPiece tokenizer.
    """
    silence_transformers()
    from qkvlab.data import load_minilm

    return load_minilm()


def warm() -> None:
    """What :func:`load` imports, without loading the model: a grader imports it once for many kernels."""
    silence_transformers()
    from transformers import AutoModel, AutoTokenizer  # noqa: F401
    from transformers.models.bert import modeling_bert, tokenization_bert  # noqa: F401
