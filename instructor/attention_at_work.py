"""Chapter 5 (attention at work), instructor side: the two synthetic tasks, the reference
model and its training loop. ``scripts/train_attention_at_work.py`` uses them to write the
TorchScript assets that the chapter's pages load; nothing here ships to learners.

Tasks (each example is a fixed-length row of token ids; labels are -100 where nothing is
predicted):

* **brackets**: ``BOS`` then a balanced word over ``n_types`` bracket types. Openers are
  visible with their type; every closer is the one token ``CLOSE`` and the model must say
  which type it closes, i.e. look back to its matching opener.
* **agreement**: ``the [adjectives] noun (prep the noun)* VERB``; at ``VERB`` the model
  predicts singular or plural, which only the subject decides. The nouns in between
  (attractors when their number differs from the subject's) are distractions.
"""

from __future__ import annotations

import math
import time

import torch
import torch.nn.functional as F
from torch import nn

# ------------------------------------------------------------------------------ brackets
BRACKET_PAIRS = ["()", "[]", "{}"]


def bracket_vocab(n_types: int = 3) -> list[str]:
    """Token strings: BOS, the openers, the one CLOSE token."""
    return ["^"] + [p[0] for p in BRACKET_PAIRS[:n_types]] + ["•"]


def make_brackets(n: int, pairs: int = 10, n_types: int = 3, seed: int = 0) -> dict[str, torch.Tensor]:
    """``n`` random balanced words of ``pairs`` pairs, with BOS in front (length 2 * pairs + 1).

    Returns x (n, T) ids, y (n, T) the closed type at closers (-100 elsewhere), opener (n, T)
    the position of each closer's opener (-1 elsewhere) and depth (n, T) the nesting depth a
    closer closes (1 = outermost; 0 elsewhere).
    """
    g = torch.Generator().manual_seed(seed)
    T = 2 * pairs + 1
    close = n_types + 1
    x = torch.zeros(n, T, dtype=torch.long)
    y = torch.full((n, T), -100, dtype=torch.long)
    opener = torch.full((n, T), -1, dtype=torch.long)
    depth = torch.zeros(n, T, dtype=torch.long)
    coins = torch.rand(n, T, generator=g)
    types = torch.randint(0, n_types, (n, T), generator=g)
    for b in range(n):
        stack: list[int] = []
        for t in range(1, T):
            left = T - t  # positions still to fill, this one included
            if stack and (len(stack) == left or coins[b, t] >= 0.5):  # close when forced or on a coin flip
                j = stack.pop()
                x[b, t], y[b, t], opener[b, t], depth[b, t] = close, x[b, j] - 1, j, len(stack) + 1
            else:
                x[b, t] = 1 + types[b, t]
                stack.append(t)
    return {"x": x, "y": y, "opener": opener, "depth": depth}


# ----------------------------------------------------------------------------- agreement
ADJECTIVES = ["old", "small", "red", "new"]
NOUNS = ["key", "dog", "book", "door", "cabinet", "table", "car", "song"]
PREPOSITIONS = ["to", "near", "by", "of", "behind"]


def agreement_vocab() -> list[str]:
    """Token strings: PAD, 'the', adjectives, prepositions, singular nouns, plural nouns, VERB."""
    return (["_", "the"] + ADJECTIVES + PREPOSITIONS + NOUNS + [w + "s" for w in NOUNS] + ["VERB"])


def make_agreement(n: int, max_attractors: int = 4, seed: int = 0) -> dict[str, torch.Tensor]:
    """``n`` sentences ``the [adj]{0..2} noun (prep the noun){0..max} VERB``, padded on the right.

    Returns x, y (0 singular / 1 plural at VERB, -100 elsewhere), verb and subject positions
    (n,) and attractors (n,): how many intervening nouns differ in number from the subject.
    """
    vocab = agreement_vocab()
    ids = {w: i for i, w in enumerate(vocab)}
    T = 1 + 2 + 1 + 3 * max_attractors + 1 + 1  # the, 2 adjectives, noun, phrases, VERB, one pad
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(n, T, dtype=torch.long)
    y = torch.full((n, T), -100, dtype=torch.long)
    verb, subject, attractors = (torch.zeros(n, dtype=torch.long) for _ in range(3))

    def draw(k: int) -> int:
        return int(torch.randint(0, k, (1,), generator=g))

    def noun(plural: int) -> int:
        return ids[NOUNS[draw(len(NOUNS))] + ("s" if plural else "")]

    for b in range(n):
        words = [ids["the"]] + [ids[ADJECTIVES[draw(len(ADJECTIVES))]] for _ in range(draw(3))]
        number = draw(2)
        subject[b] = len(words)
        words.append(noun(number))
        for _ in range(draw(max_attractors + 1)):
            other = draw(2)
            attractors[b] += other != number
            words += [ids[PREPOSITIONS[draw(len(PREPOSITIONS))]], ids["the"], noun(other)]
        verb[b] = len(words)
        words.append(ids["VERB"])
        x[b, : len(words)] = torch.tensor(words)
        y[b, verb[b]] = number
    return {"x": x, "y": y, "verb": verb, "subject": subject, "attractors": attractors}


# --------------------------------------------------------------------------------- model
class Attention(nn.Module):
    """Causal multi-head self-attention that also returns its weights and can silence heads."""

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        B, T, D = x.shape
        q, k, v = self.qkv(x).view(B, T, 3, self.n_heads, D // self.n_heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(D // self.n_heads)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        weights = scores.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        heads = (weights @ v) * keep.view(1, -1, 1, 1)  # keep[h] = 0 removes head h's output
        return self.proj(heads.transpose(1, 2).reshape(B, T, D)), weights


class Block(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = Attention(d_model, n_heads)
        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a, w = self.attn(self.norm1(x), keep)
        x = x + a
        return x + self.mlp(self.norm2(x)), w


class Classifier(nn.Module):
    """A small causal transformer that labels every position: (B, T) ids -> (B, T, classes) logits,
    plus the attention weights (layers, B, heads, T, T). ``keep`` (layers, heads) scales each head's
    output (1 = on, 0 = ablated)."""

    def __init__(self, vocab: int, classes: int, seq_len: int, d_model: int = 64, n_heads: int = 4,
                 n_layers: int = 2, d_ff: int = 128, positions: bool = True):
        super().__init__()
        self.n_layers, self.n_heads, self.positions = n_layers, n_heads, positions
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.randn(seq_len, d_model) * 0.02 * positions)
        self.pos.requires_grad_(positions)
        self.blocks = nn.ModuleList(Block(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, classes)

    def forward(self, x: torch.Tensor, keep: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.embed(x) + self.pos[: x.shape[1]]
        weights = []
        for i, block in enumerate(self.blocks):
            h, w = block(h, keep[i])
            weights.append(w)
        return self.head(self.norm(h)), torch.stack(weights)


# ------------------------------------------------------------------------------ training
def schedule(step: int, warmup: int, total: int, peak: float) -> float:
    """Linear warm-up to ``peak`` over ``warmup`` steps, then a cosine down to 0 at ``total``."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return 0.5 * peak * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup))))


@torch.no_grad()
def accuracy(model: nn.Module, data: dict[str, torch.Tensor], keep: torch.Tensor | None = None) -> torch.Tensor:
    """Per-position correctness (bool, same shape as data['y']) where a label exists."""
    model.eval()
    keep = torch.ones(model.n_layers, model.n_heads) if keep is None else keep
    logits, _ = model(data["x"], keep)
    return logits.argmax(-1) == data["y"]


def fit(model: Classifier, train: dict, test: dict, steps: int, batch: int = 64, peak: float = 3e-3,
        warmup: int = 50, clip: float = 1.0, weight_decay: float = 0.01, eval_every: int = 50,
        seed: int = 0) -> list[dict]:
    """AdamW, warm-up + cosine, clipping; returns one log row per evaluation (CPU seconds)."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=peak, weight_decay=weight_decay)
    keep = torch.ones(model.n_layers, model.n_heads)
    mask = test["y"] != -100
    log, start, losses = [], time.process_time(), []
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = schedule(step, warmup, steps, peak)
        model.train()
        rows = torch.randint(0, len(train["x"]), (batch,), generator=g)
        logits, _ = model(train["x"][rows], keep)
        loss = F.cross_entropy(logits.flatten(0, 1), train["y"][rows].flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
        if (step + 1) % eval_every == 0 or step + 1 == steps:
            acc = accuracy(model, test)[mask].float().mean().item()
            log.append({"step": step + 1, "cpu_seconds": round(time.process_time() - start, 2),
                        "lr": round(schedule(step, warmup, steps, peak), 6),
                        "train_loss": round(sum(losses) / len(losses), 4), "test_accuracy": round(acc, 4)})
            losses = []
    model.eval()
    return log
