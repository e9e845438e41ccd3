"""Chapter 4's given pieces: the attention module, characters <-> integers, batches, and the
trained tiny GPT as a black box.

* :class:`CausalSelfAttention` is the attention module that chapter 4's exercises build on.
  It is *given* (read-only), so a learner who has not finished chapter 3 can still do
  chapter 4. It calls PyTorch's fused ``F.scaled_dot_product_attention`` with a causal
  mask rather than spelling the softmax out: writing that by hand is chapter 3's exercise.
* :func:`load_tiny_gpt` loads the trained character-level model that the chapter's pages
  study. It is a compiled TorchScript file (``assets/tiny_gpt/tiny_gpt.ts``), not Python
  source: the model is what the exercises ask you to write, so its code is not shipped here.
  Its parameter names follow the assignment's contract, and ``assets/tiny_gpt/tiny_gpt.pt``
  holds the same weights for your own ``TinyGPT``.
"""

from __future__ import annotations

import csv
import json
import math
import warnings
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The trained weights, the alphabet and the training settings (``torch.load``; for your own TinyGPT).
CHECKPOINT = REPO_ROOT / "assets" / "tiny_gpt" / "tiny_gpt.pt"
#: The same model compiled with TorchScript, loaded by :func:`load_tiny_gpt` (the pages use it).
SCRIPTED = REPO_ROOT / "assets" / "tiny_gpt" / "tiny_gpt.ts"
#: Its log: one row per evaluation (step, seconds, train loss, validation loss).
TRAINING_LOG = REPO_ROOT / "assets" / "tiny_gpt" / "training_log.csv"


# --------------------------------------------------------------------------------------
# The given attention module
# --------------------------------------------------------------------------------------
class KVCache:
    """Keys and values of the positions seen so far, one entry per layer.

    Generation with a cache feeds only the new token through the model; each attention
    layer appends that token's key and value here and attends over everything stored.
    """

    def __init__(self, n_layers: int):
        self.keys: list[torch.Tensor | None] = [None] * n_layers
        self.values: list[torch.Tensor | None] = [None] * n_layers

    def __len__(self) -> int:
        """Number of positions stored (0 before the first call)."""
        return 0 if self.keys[0] is None else self.keys[0].shape[-2]


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention (given; do not edit).

    Args:
        d_model: width of the residual stream.
        n_heads: number of heads; must divide ``d_model``.

    ``forward(x)`` maps ``x`` of shape (B, T, d_model) to (B, T, d_model). Position ``t``
    of the output depends only on positions ``0..t`` of the input (the causal mask).

    Parameters: ``qkv`` (d_model -> 3 d_model, the query, key and value projections
    stacked) and ``proj`` (d_model -> d_model, the output projection).
    """

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"n_heads={n_heads} must divide d_model={d_model}")
        self.d_model, self.n_heads = d_model, n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        """(B, T, d_model) -> (B, T, d_model).

        With ``cache``, ``x`` holds only the new positions: their keys and values are
        appended to ``cache`` (slot ``layer``) and they attend to every stored position.
        """
        B, T, d = x.shape
        if d != self.d_model:
            raise ValueError(f"expected the last axis to have size d_model={self.d_model}, got {d}")
        h = self.n_heads
        q, k, v = self.qkv(x).split(d, dim=-1)
        # (B, T, d) -> (B, h, T, d / h): one slice of the width per head.
        q, k, v = (t.view(B, T, h, d // h).transpose(1, 2) for t in (q, k, v))
        past = 0
        if cache is not None:
            if cache.keys[layer] is not None:
                past = cache.keys[layer].shape[-2]
                k = torch.cat([cache.keys[layer], k], dim=-2)
                v = torch.cat([cache.values[layer], v], dim=-2)
            cache.keys[layer], cache.values[layer] = k, v
        if past == 0:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            # New position i (absolute past + i) may see keys 0..past + i.
            allowed = torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(diagonal=past)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
        y = y.transpose(1, 2).reshape(B, T, d)
        return self.proj(y)

    @torch.no_grad()
    def attention_weights(self, x: torch.Tensor) -> torch.Tensor:
        """The attention weights of every head, for plots: (B, T, d_model) -> (B, n_heads, T, T).

        Row t of a head's (T, T) matrix says how much position t draws on each position 0..t.
        The fused kernel does not return its weights, so we let it average the rows of an
        identity matrix: with V = I, the output ``weights @ V`` is the weights themselves.
        """
        B, T, d = x.shape
        h = self.n_heads
        q, k, _ = self.qkv(x).split(d, dim=-1)
        q, k = (t.view(B, T, h, d // h).transpose(1, 2) for t in (q, k))
        eye = torch.eye(T, dtype=x.dtype).expand(B, h, T, T)
        return F.scaled_dot_product_attention(q, k, eye, is_causal=True)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# --------------------------------------------------------------------------------------
# Characters <-> integers, batches, the trained model
# --------------------------------------------------------------------------------------
class CharTokenizer:
    """Maps each distinct character of a text to an integer (sorted order)."""

    def __init__(self, chars: str):
        self.chars = "".join(sorted(set(chars)))
        self.index = {c: i for i, c in enumerate(self.chars)}

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        return torch.tensor([self.index[c] for c in text], dtype=torch.long)

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def get_batch(data: torch.Tensor, batch_size: int, block_size: int,
              generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Random windows of ``block_size`` tokens: returns (B, block_size) ids.

    The model reads the whole window; the prediction at position t is scored against
    the token at t + 1 (the shifted-target loss).
    """
    starts = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    return torch.stack([data[s:s + block_size] for s in starts.tolist()])


def read_training_log(path: Path | str = TRAINING_LOG) -> dict[str, list[float]]:
    """Columns of the CSV log as lists of floats."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: [float(r[key]) for r in rows] for key in rows[0]}


def load_tiny_gpt(path: Path | str = SCRIPTED) -> tuple[torch.jit.ScriptModule, CharTokenizer, dict]:
    """Load the trained tiny GPT (TorchScript) with its tokenizer and training settings.

    Returns ``(model, tokenizer, info)``; the model is in eval mode. What the compiled model offers:

    * ``model(idx)``: (B, T) long -> (B, T, vocab) logits;
    * ``model.hidden_states(idx)``: the residual stream after the embeddings and after each block,
      a list of ``n_layers + 1`` tensors of shape (B, T, d_model);
    * ``model.forward_cached(idx)``: logits of new positions only, with the key-value cache kept inside
      the model (``clear_cache()``, ``cache_length()``, ``cached_keys()``, ``cached_values()``);
    * ``model.sample(idx, max_new_tokens, temperature, generator, use_cache)``: text from *this* model;
    * submodules ``tok_emb``, ``pos_emb``, ``blocks`` (``list(model.blocks.children())``: each with ``ln1``,
      ``attn`` (with ``attention_weights(x)``), ``ln2``, ``ff`` with ``fc1`` and ``fc2``), ``ln_f``, ``lm_head``;
      sizes ``vocab_size``, ``max_len``, ``d_model``, ``n_heads``, ``n_layers``, ``d_ff``.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: the course's assets/ folder is incomplete")
    extra = {"chars.txt": "", "info.json": ""}
    with warnings.catch_warnings():  # torch 2.13 marks TorchScript deprecated; a page must not print that
        warnings.simplefilter("ignore", DeprecationWarning)
        model = torch.jit.load(str(path), map_location="cpu", _extra_files=extra)
    model.eval()
    return model, CharTokenizer(extra["chars.txt"].decode("utf-8")), json.loads(extra["info.json"])


def reinitialise(model: nn.Module, n_layers: int, generator: torch.Generator | None = None) -> nn.Module:
    """Give a loaded tiny GPT fresh random weights, in place, as before training (GPT-2's scheme).

    Matrices and embeddings ~ N(0, 0.02); the two layers of each block that write into the residual stream
    ~ N(0, 0.02 / sqrt(2 n_layers)), so the stream's variance does not grow with depth; biases 0; layer-norm
    gains 1. For the pages' experiments with untrained models.
    """
    with torch.no_grad():
        for name, p in model.named_parameters():
            if ".ln" in "." + name and name.endswith("weight"):
                p.fill_(1.0)
            elif name.endswith("bias"):
                p.zero_()
            elif name.endswith(("attn.proj.weight", "ff.fc2.weight")):
                p.normal_(0.0, 0.02 / math.sqrt(2 * n_layers), generator=generator)
            else:
                p.normal_(0.0, 0.02, generator=generator)
    return model
