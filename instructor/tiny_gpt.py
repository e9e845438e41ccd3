"""Instructor-only: the tiny character-level GPT of chapter 4 as an importable model.

Never exported to learners and never visible to the graded kernel: :class:`MLP`, :class:`Block`,
:class:`CharGPT`, :func:`shifted_cross_entropy` and :func:`sample` compute the answers of the
``04_transformer`` exercises (``FeedForward``, ``TransformerBlock``, ``TinyGPT``, ``lm_loss``,
``generate``). ``scripts/train_tiny_gpt.py`` trains :class:`CharGPT`; the pages use the black box
that ``scripts/export_tiny_gpt.py`` makes from the checkpoint (see :mod:`instructor.tiny_gpt_script`).

Parameter names follow the contract of the assignment (``tok_emb``, ``pos_emb``, ``blocks.i.ln1`` ...),
so a learner's own ``TinyGPT`` can load the same weights. The attention module is the *given*
:class:`qkvlab.tinygpt.CausalSelfAttention`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from instructor.tiny_gpt_script import MLP  # the same module in the compiled model
from qkvlab.tinygpt import CHECKPOINT, CausalSelfAttention, CharTokenizer, KVCache, get_batch


@dataclass
class GPTConfig:
    vocab_size: int = 65
    max_len: int = 64
    d_model: int = 128
    n_heads: int = 4
    n_layers: int = 4
    d_ff: int = 512


class Block(nn.Module):
    """Pre-norm block: x + attn(ln1(x)), then + ff(ln2(x))."""

    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.ff = MLP(d_model, d_ff)

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0) -> torch.Tensor:
        x = x + self.attn(self.ln1(x), cache, layer)
        return x + self.ff(self.ln2(x))


class CharGPT(nn.Module):
    """Token and position embeddings, ``n_layers`` pre-norm blocks, a final LayerNorm and
    a linear head over the vocabulary. ``forward(idx)``: (B, T) long -> (B, T, vocab) logits.
    """

    def __init__(self, config: GPTConfig):
        super().__init__()
        self.config = config
        c = config
        self.tok_emb = nn.Embedding(c.vocab_size, c.d_model)
        self.pos_emb = nn.Embedding(c.max_len, c.d_model)
        self.blocks = nn.ModuleList(Block(c.d_model, c.n_heads, c.d_ff) for _ in range(c.n_layers))
        self.ln_f = nn.LayerNorm(c.d_model)
        self.lm_head = nn.Linear(c.d_model, c.vocab_size)
        self.apply(self._init_weights)
        # GPT-2's trick: shrink the layers that write into the residual stream, so the
        # stream's variance does not grow with depth at initialisation.
        for name, p in self.named_parameters():
            if name.endswith(("attn.proj.weight", "ff.fc2.weight")):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c.n_layers))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    @property
    def max_len(self) -> int:
        return self.config.max_len

    def forward(self, idx: torch.Tensor, cache: KVCache | None = None,
                return_hidden: bool = False):
        """(B, T) long -> (B, T, vocab) logits.

        ``cache``: see :class:`KVCache`; positions continue from ``len(cache)``.
        ``return_hidden=True`` also returns the residual stream after the embeddings
        and after each block: a list of ``n_layers + 1`` tensors of shape (B, T, d_model).
        """
        B, T = idx.shape
        start = 0 if cache is None else len(cache)
        if start + T > self.config.max_len:
            raise ValueError(f"sequence of length {start + T} is longer than max_len={self.config.max_len}")
        pos = torch.arange(start, start + T, device=idx.device)
        x = self.tok_emb(idx) + self.pos_emb(pos)
        hidden = [x]
        for i, block in enumerate(self.blocks):
            x = block(x, cache, i)
            hidden.append(x)
        logits = self.lm_head(self.ln_f(x))
        return (logits, hidden) if return_hidden else logits


def shifted_cross_entropy(logits: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of the prediction at t against the token at t + 1."""
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), idx[:, 1:].reshape(-1))


@torch.no_grad()
def evaluate(model: CharGPT, data: torch.Tensor, block_size: int, batch_size: int = 32,
             n_batches: int = 20, seed: int = 1234) -> float:
    """Mean loss (nats per character) on ``n_batches`` fixed random windows of ``data``."""
    was_training = model.training
    model.eval()
    g = torch.Generator().manual_seed(seed)
    losses = [shifted_cross_entropy(model(b), b).item()
              for b in (get_batch(data, batch_size, block_size, g) for _ in range(n_batches))]
    model.train(was_training)
    return sum(losses) / len(losses)


@torch.no_grad()
def sample(model: CharGPT, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
           generator: torch.Generator | None = None, use_cache: bool = False) -> torch.Tensor:
    """Extend ``idx`` (B, T) by ``max_new_tokens`` sampled tokens.

    ``use_cache=True`` feeds only the newest token through the model at each step (the
    key-value cache); it needs ``T + max_new_tokens <= max_len``. Without it, the whole
    (cropped) context goes through the model again at every step.
    """
    model.eval()
    cache = KVCache(len(model.blocks)) if use_cache else None
    out = idx
    step_input = idx
    for _ in range(max_new_tokens):
        if cache is None:
            step_input = out[:, -model.max_len:]
        logits = model(step_input, cache)[:, -1]
        if temperature == 0:
            nxt = logits.argmax(dim=-1, keepdim=True)
        else:
            probs = F.softmax(logits / temperature, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=generator)
        out = torch.cat([out, nxt], dim=1)
        step_input = nxt
    return out


def save_checkpoint(path: Path, model: CharGPT, tokenizer: CharTokenizer, extra: dict | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"config": asdict(model.config), "chars": tokenizer.chars,
                "state_dict": model.state_dict(), "extra": extra or {}}, path)


def load_checkpoint(path: Path | str = CHECKPOINT) -> tuple[CharGPT, CharTokenizer, dict]:
    """Load a checkpoint written by ``scripts/train_tiny_gpt.py``.

    Returns ``(model, tokenizer, extra)``; the model is in eval mode, ``extra`` holds the
    training settings and final losses.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `.venv/bin/python scripts/train_tiny_gpt.py` first")
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    model = CharGPT(GPTConfig(**ckpt["config"]))
    model.load_state_dict({k: v.float() for k, v in ckpt["state_dict"].items()})
    model.eval()
    return model, CharTokenizer(ckpt["chars"]), ckpt["extra"]
