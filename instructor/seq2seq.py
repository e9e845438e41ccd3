"""Instructor-only encoder-decoder for chapter 6: the model behind the pages' figures and numbers.

``scripts/train_seq2seq.py`` trains it on sequence reversal and saves it as TorchScript under
``assets/06_seq2seq/``. Pages load that file with ``torch.jit.load`` and never import this module.

Token ids: 0 is padding, 1 begins a target (BOS), 2 ends it (EOS), 3.. are the symbols.
The scripted model exposes ``forward(src, tgt_in) -> (logits, cross)`` where ``cross`` stacks the
head-averaged cross-attention weights of every decoder layer, shape (n_layers, B, T, S), and
``translate(src, max_new)``, the greedy output of this one fixed model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, BOS, EOS, FIRST_SYMBOL = 0, 1, 2, 3


@dataclass
class Config:
    n_symbols: int = 10
    max_len: int = 24  # position tables are this long; training uses far fewer positions
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    d_ff: int = 128


class Attention(nn.Module):
    """Multi-head attention; returns the output and the head-averaged weights (B, T, S)."""

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        self.n_heads = n_heads
        self.wq = nn.Linear(d_model, d_model)
        self.wkv = nn.Linear(d_model, 2 * d_model)
        self.wo = nn.Linear(d_model, d_model)

    def forward(self, x: torch.Tensor, mem: torch.Tensor, blocked: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # blocked: bool, broadcastable to (B, 1, T, S); True where a query may not look.
        b, t, d = x.shape
        s = mem.shape[1]
        h = self.n_heads
        q = self.wq(x).view(b, t, h, d // h).transpose(1, 2)
        k, v = self.wkv(mem).view(b, s, 2, h, d // h).permute(2, 0, 3, 1, 4).unbind(0)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // h)
        weights = scores.masked_fill(blocked, float("-inf")).softmax(dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(b, t, d)
        return self.wo(out), weights.mean(dim=1)


class FFN(nn.Module):
    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.up = nn.Linear(d_model, d_ff)
        self.down = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.relu(self.up(x)))


class EncLayer(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.ln_a, self.ln_f = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg.d_model, cfg.n_heads)
        self.ffn = FFN(cfg.d_model, cfg.d_ff)

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        h = self.ln_a(x)
        x = x + self.attn(h, h, pad)[0]
        return x + self.ffn(self.ln_f(x))


class DecLayer(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.ln_a, self.ln_c, self.ln_f = (nn.LayerNorm(cfg.d_model) for _ in range(3))
        self.attn = Attention(cfg.d_model, cfg.n_heads)
        self.cross = Attention(cfg.d_model, cfg.n_heads)
        self.ffn = FFN(cfg.d_model, cfg.d_ff)

    def forward(self, y: torch.Tensor, mem: torch.Tensor, future: torch.Tensor,
                pad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.ln_a(y)
        y = y + self.attn(h, h, future)[0]
        c, weights = self.cross(self.ln_c(y), mem, pad)
        y = y + c
        return y + self.ffn(self.ln_f(y)), weights


class ReverseModel(nn.Module):
    """Pre-norm encoder-decoder with learned positions; pads source ids equal to PAD out of attention."""

    def __init__(self, cfg: Config):
        super().__init__()
        vocab = FIRST_SYMBOL + cfg.n_symbols
        self.vocab, self.max_len = vocab, cfg.max_len
        self.pad, self.bos, self.eos = PAD, BOS, EOS  # attributes, so the scripted model carries them
        self.src_tok, self.tgt_tok = nn.Embedding(vocab, cfg.d_model), nn.Embedding(vocab, cfg.d_model)
        self.src_pos, self.tgt_pos = nn.Embedding(cfg.max_len, cfg.d_model), nn.Embedding(cfg.max_len, cfg.d_model)
        self.enc = nn.ModuleList([EncLayer(cfg) for _ in range(cfg.n_layers)])
        self.dec = nn.ModuleList([DecLayer(cfg) for _ in range(cfg.n_layers)])
        self.enc_ln, self.dec_ln = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, vocab, bias=False)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pad = (src == self.pad)[:, None, None, :]
        x = self.src_tok(src) + self.src_pos(torch.arange(src.shape[1], device=src.device))
        for layer in self.enc:
            x = layer(x, pad)
        mem = self.enc_ln(x)
        t = tgt_in.shape[1]
        future = torch.ones(t, t, dtype=torch.bool, device=src.device).triu(1)
        y = self.tgt_tok(tgt_in) + self.tgt_pos(torch.arange(t, device=src.device))
        maps: list[torch.Tensor] = []
        for layer in self.dec:
            y, weights = layer(y, mem, future, pad)
            maps.append(weights)
        return self.head(self.dec_ln(y)), torch.stack(maps)

    @torch.jit.export
    def translate(self, src: torch.Tensor, max_new: int) -> torch.Tensor:
        """Greedy output of this model: (B, max_new) ids, EOS repeated once a row is done."""
        out = torch.full((src.shape[0], 1), self.bos, dtype=torch.long, device=src.device)
        for _ in range(max_new):
            logits, _ = self.forward(src, out)
            nxt = logits[:, -1].argmax(dim=-1)
            nxt = torch.where(out[:, -1] == self.eos, torch.full_like(nxt, self.eos), nxt)
            out = torch.cat([out, nxt[:, None]], dim=1)
        return out[:, 1:]


HELD_OUT_MODULUS = 11


def is_held_out(src: torch.Tensor) -> torch.Tensor:
    """(B,) bool: the rows that training never sees, those whose checksum sum_i (i + 1) * id_i is 0 mod 11.

    Padding (id 0) adds nothing, so the rule only depends on the real symbols. The pages test on these rows only.
    """
    weights = torch.arange(1, src.shape[1] + 1)
    return (src * weights).sum(dim=1) % HELD_OUT_MODULUS == 0


def reversal_batch(n: int, min_len: int, max_len: int, n_symbols: int,
                   generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Random training rows (right-padded with PAD), none of them held out, and their reversed targets + EOS."""
    lengths = torch.randint(min_len, max_len + 1, (n,), generator=generator)
    width = int(lengths.max())
    symbols = torch.randint(FIRST_SYMBOL, FIRST_SYMBOL + n_symbols, (n, width), generator=generator)
    keep = torch.arange(width)[None, :] < lengths[:, None]
    src = torch.where(keep, symbols, torch.full_like(symbols, PAD))
    # Move a held-out row out of the held-out set: bump its last symbol (changes the checksum by a
    # non-multiple of 11, since lengths stay below 11).
    bump = is_held_out(src)
    last = lengths - 1
    rows = torch.arange(n)[bump]
    bumped = (src[rows, last[bump]] - FIRST_SYMBOL + 1) % n_symbols + FIRST_SYMBOL
    src[rows, last[bump]] = bumped
    assert not bool(is_held_out(src).any()), "a training row is in the held-out set"
    tgt = torch.full((n, width + 1), PAD, dtype=torch.long)
    for i, length in enumerate(lengths.tolist()):
        tgt[i, :length] = src[i, :length].flip(0)
        tgt[i, length] = EOS
    return src, tgt
