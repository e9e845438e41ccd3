"""Make a notebook reproducible and quiet.

nbval compares stored outputs with fresh ones, and nbgrader scores a test cell 0
when it writes anything to stderr, so every page and notebook starts with
``qkvlab.setup()``.
"""

import os
import random
import warnings

import numpy as np


def setup(seed: int = 0, threads: int | None = 1) -> None:
    """Seed every random generator, fix the thread count and silence known noise.

    Args:
        seed: seed for ``random``, NumPy and PyTorch.
        threads: number of PyTorch intra-op threads; ``1`` makes float sums
            reproducible bit for bit, ``None`` leaves the default (faster training).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    random.seed(seed)
    np.random.seed(seed)
    np.set_printoptions(precision=4, suppress=True)
    # Library warnings (deprecations, "TypedStorage is deprecated", ...) go to
    # stderr, which nbgrader counts as a failed test: hide them, but keep the
    # learner's own RuntimeWarnings (division by zero, overflow) visible.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"(torch|transformers|matplotlib)\b")
    try:
        import torch
    except ImportError:  # numpy-only pages
        return
    torch.manual_seed(seed)
    if threads is not None:
        torch.set_num_threads(threads)
    torch.set_printoptions(precision=4, sci_mode=False)
