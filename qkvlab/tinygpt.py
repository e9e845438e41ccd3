"""A tiny character-level GPT for chapter 4: the given attention module, the model the
training script trains, checkpoints, batches, evaluation and sampling.

* :class:`CausalSelfAttention` is the attention module that chapter 4's exercises build on.
  It is *given* (read-only), so a learner who has not finished chapter 3 can still do
  chapter 4. It calls PyTorch's fused ``F.scaled_dot_product_attention`` with a causal
  mask rather than spelling the softmax out: writing that by hand is chapter 3's exercise.
* :class:`CharGPT` is the model that ``scripts/train_tiny_gpt.py`` trains and that the
  chapter's pages load from :data:`CHECKPOINT`. Its parameter names follow the contract of
  the ``04_transformer`` assignment (``tok_emb``, ``pos_emb``, ``blocks.i.ln1`` ...), so the
  learner's own ``TinyGPT`` can load the same weights. It uses ``nn.LayerNorm``; the
  learner writes their own.
"""

from __future__ import annotations

import csv
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The checkpoint that ``scripts/train_tiny_gpt.py`` writes and the pages load.
CHECKPOINT = REPO_ROOT / "assets" / "tiny_gpt" / "tiny_gpt.pt"
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
        if d_model % n_heads != 0:
            raise ValueError(f"n_heads={n_heads} must divide d_model={d_model}")
        self.d_model = d_model
        self.n_heads = n_heads
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


# --------------------------------------------------------------------------------------
# The model that the training script trains (nanoGPT-like, pre-norm)
# --------------------------------------------------------------------------------------
@dataclass
class GPTConfig:
    vocab_size: int = 65
    max_len: int = 64
    d_model: int = 128
    n_heads: int = 4
    n_layers: int = 4
    d_ff: int = 512


class MLP(nn.Module):
    """fc1 (d_model -> d_ff), GELU, fc2 (d_ff -> d_model), at each position separately."""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.fc1 = nn.Linear(d_model, d_ff)
        self.fc2 = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


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


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# --------------------------------------------------------------------------------------
# Characters <-> integers, batches, loss
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
    the token at t + 1 (see :func:`shifted_cross_entropy`).
    """
    starts = torch.randint(len(data) - block_size, (batch_size,), generator=generator)
    return torch.stack([data[s:s + block_size] for s in starts.tolist()])


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


# --------------------------------------------------------------------------------------
# Checkpoints and training
# --------------------------------------------------------------------------------------
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


def read_training_log(path: Path | str = TRAINING_LOG) -> dict[str, list[float]]:
    """Columns of the CSV log as lists of floats."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: [float(r[key]) for r in rows] for key in rows[0]}


@dataclass
class TrainConfig:
    time_budget: float = 180.0   # seconds on `clock`, evaluations included
    batch_size: int = 32
    block_size: int = 64
    lr: float = 4e-3
    min_lr: float = 4e-4
    warmup_steps: int = 50
    weight_decay: float = 0.05
    eval_every: float = 15.0     # seconds between evaluations
    eval_batches: int = 10
    seed: int = 0
    #: "wall": wall-clock seconds; "cpu": CPU seconds of this process (all its threads), which
    #: on a machine shared with other jobs measures the work done rather than the waiting.
    clock: str = "wall"


def train(model: CharGPT, train_data: torch.Tensor, val_data: torch.Tensor, cfg: TrainConfig,
          progress=None, log_path: Path | None = None) -> list[dict]:
    """Train with AdamW for ``cfg.time_budget`` seconds (on ``cfg.clock``).

    The learning rate warms up over ``warmup_steps`` steps, then follows a cosine from
    ``lr`` down to ``min_lr`` over the *time* budget, so the schedule finishes on time on
    a fast or a slow machine. Returns the log rows (also written to ``log_path`` as CSV).
    ``progress``: an optional tqdm-like bar with ``update(n)`` and ``set_postfix``.
    """
    g = torch.Generator().manual_seed(cfg.seed)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.99))
    rows: list[dict] = []
    writer = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = open(log_path, "w", newline="")
        writer = csv.DictWriter(log_file, fieldnames=["step", "seconds", "wall_seconds", "train_loss", "val_loss",
                                                      "lr"])
        writer.writeheader()

    def log(step: int, seconds: float, lr: float) -> None:
        row = {"step": step, "seconds": round(seconds, 2),
               "wall_seconds": round(time.perf_counter() - wall_start, 2),
               "train_loss": round(evaluate(model, train_data, cfg.block_size, 16, cfg.eval_batches), 4),
               "val_loss": round(evaluate(model, val_data, cfg.block_size, 16, cfg.eval_batches), 4),
               "lr": f"{lr:.2e}"}
        rows.append(row)
        if writer is not None:
            writer.writerow(row)
            log_file.flush()
        if progress is not None:
            progress.set_postfix(val=row["val_loss"], train=row["train_loss"])

    model.train()
    clock = time.process_time if cfg.clock == "cpu" else time.perf_counter
    wall_start = time.perf_counter()
    start = clock()
    step, next_eval, lr = 0, cfg.eval_every, cfg.lr
    log(0, 0.0, 0.0)
    # The clock includes the evaluations.
    while (elapsed := clock() - start) < cfg.time_budget:
        frac = min(elapsed / cfg.time_budget, 1.0)
        lr = cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * frac))
        lr *= min(1.0, (step + 1) / cfg.warmup_steps)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = get_batch(train_data, cfg.batch_size, cfg.block_size, g)
        loss = shifted_cross_entropy(model(batch), batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        now = clock() - start
        if progress is not None:
            progress.update(round(min(now, cfg.time_budget) - min(elapsed, cfg.time_budget), 2))
        if now >= next_eval:
            log(step, clock() - start, lr)
            next_eval += cfg.eval_every
    if rows[-1]["step"] != step:
        log(step, clock() - start, lr)
    if writer is not None:
        log_file.close()
    return rows
