# ruff: noqa: UP006, UP045 - TorchScript reads typing.List and Optional
"""Instructor-only: the trained tiny GPT as a TorchScript black box for the pages.

The pages of chapter 4 study the trained model (its stream, its attention, its samples, a key-value
cache) and are built in the learner kit too, where no Python source of the model may ship (it is the
exercises' answer). :func:`export` copies the weights of a checkpoint into :class:`ScriptedGPT`, a
TorchScript-friendly twin of :class:`instructor.tiny_gpt.CharGPT` with the same parameter names and the
same arithmetic, compiles it with ``torch.jit.script`` and saves it with the alphabet and the training
settings as extra files. ``qkvlab.tinygpt.load_tiny_gpt`` loads it with ``torch.jit.load``.

What the compiled model offers is fixed to this model's sizes and weights: ``sample`` is a method of
this one model, not a function of any model, so nothing in it can stand in for an exercise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional  # noqa: UP035

import torch
import torch.nn.functional as F
from torch import nn


class ScriptedAttention(nn.Module):
    """The given causal self-attention with the key-value cache kept inside (TorchScript has no Python objects)."""

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        self.d_model = d_model
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.k_cache = torch.zeros(0)
        self.v_cache = torch.zeros(0)

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        B, T, d = t.shape
        return t.view(B, T, self.n_heads, d // self.n_heads).transpose(1, 2)

    def forward(self, x: torch.Tensor, use_cache: bool = False) -> torch.Tensor:
        B, T, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=-1)
        q, k, v = self._split(q), self._split(k), self._split(v)
        past = 0
        if use_cache:
            if self.k_cache.dim() == 4:
                past = self.k_cache.shape[-2]
                k = torch.cat([self.k_cache, k], dim=-2)
                v = torch.cat([self.v_cache, v], dim=-2)
            self.k_cache, self.v_cache = k, v
        if past == 0:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            allowed = torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(diagonal=past)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
        return self.proj(y.transpose(1, 2).reshape(B, T, d))

    @torch.jit.export
    def attention_weights(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, d_model) -> (B, n_heads, T, T): the fused kernel averages the rows of an identity matrix."""
        B, T, d = x.shape
        q, k, _ = self.qkv(x).split(d, dim=-1)
        q, k = self._split(q), self._split(k)
        eye = torch.eye(T, dtype=x.dtype).expand(B, self.n_heads, T, T)
        return F.scaled_dot_product_attention(q, k, eye, is_causal=True).detach()

    @torch.jit.export
    def clear_cache(self) -> None:
        self.k_cache = torch.zeros(0)
        self.v_cache = torch.zeros(0)


class MLP(nn.Module):
    """fc1 (d_model -> d_ff), GELU, fc2 (d_ff -> d_model), at each position separately."""

    def __init__(self, d_model: int, d_ff: int):
        super().__init__()
        self.fc1 = nn.Linear(d_model, d_ff)
        self.fc2 = nn.Linear(d_ff, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class ScriptedBlock(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = ScriptedAttention(d_model, n_heads)
        self.ln2 = nn.LayerNorm(d_model)
        self.ff = MLP(d_model, d_ff)

    def forward(self, x: torch.Tensor, use_cache: bool = False) -> torch.Tensor:
        x = x + self.attn(self.ln1(x), use_cache)
        return x + self.ff(self.ln2(x))


class ScriptedGPT(nn.Module):
    def __init__(self, vocab_size: int, max_len: int, d_model: int, n_heads: int, n_layers: int, d_ff: int):
        super().__init__()
        self.vocab_size, self.max_len, self.d_model = vocab_size, max_len, d_model
        self.n_heads, self.n_layers, self.d_ff = n_heads, n_layers, d_ff
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList([ScriptedBlock(d_model, n_heads, d_ff) for _ in range(n_layers)])
        self.ln_f = nn.LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size)
        self.cached = 0

    def _stream(self, idx: torch.Tensor, use_cache: bool) -> List[torch.Tensor]:
        T = idx.shape[1]
        start = self.cached if use_cache else 0
        if start + T > self.max_len:
            raise ValueError(f"sequence of length {start + T} is longer than max_len={self.max_len}")
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(start, start + T, device=idx.device))
        hidden = [x]
        for block in self.blocks:
            x = block(x, use_cache)
            hidden.append(x)
        if use_cache:
            self.cached = start + T
        return hidden

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """(B, T) long -> (B, T, vocab) logits."""
        return self.lm_head(self.ln_f(self._stream(idx, False)[-1]))

    @torch.jit.export
    def hidden_states(self, idx: torch.Tensor) -> List[torch.Tensor]:
        """The residual stream after the embeddings and after each block: n_layers + 1 tensors (B, T, d_model)."""
        return self._stream(idx, False)

    @torch.jit.export
    def loss(self, idx: torch.Tensor) -> torch.Tensor:
        """This model's mean cross-entropy (nats/char) on the windows ``idx`` (B, T), each position scored
        against the next character."""
        logits = self.forward(idx)
        return F.cross_entropy(logits[:, :-1].reshape(-1, self.vocab_size), idx[:, 1:].reshape(-1))

    @torch.jit.export
    def forward_cached(self, idx: torch.Tensor) -> torch.Tensor:
        """Logits of the new positions ``idx`` (B, T_new); their keys and values join the cache."""
        return self.lm_head(self.ln_f(self._stream(idx, True)[-1]))

    @torch.jit.export
    def clear_cache(self) -> None:
        self.cached = 0
        for block in self.blocks:
            block.attn.clear_cache()

    @torch.jit.export
    def cache_length(self) -> int:
        return self.cached

    @torch.jit.export
    def cached_keys(self) -> List[torch.Tensor]:
        return [block.attn.k_cache for block in self.blocks]

    @torch.jit.export
    def cached_values(self) -> List[torch.Tensor]:
        return [block.attn.v_cache for block in self.blocks]

    @torch.jit.export
    def sample(self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
               generator: Optional[torch.Generator] = None, use_cache: bool = False) -> torch.Tensor:
        """Extend ``idx`` (B, T) by ``max_new_tokens`` characters of this model (temperature 0: greedy)."""
        with torch.no_grad():
            self.clear_cache()
            out = idx
            step_input = idx
            for _ in range(max_new_tokens):
                if use_cache:
                    logits = self.forward_cached(step_input)[:, -1]
                else:
                    logits = self.forward(out[:, -self.max_len:])[:, -1]
                if temperature == 0:
                    nxt = logits.argmax(dim=-1, keepdim=True)
                else:
                    probs = F.softmax(logits / temperature, dim=-1)
                    nxt = torch.multinomial(probs, 1, generator=generator)
                out = torch.cat([out, nxt], dim=1)
                step_input = nxt
            self.clear_cache()
        return out


def export(checkpoint: Path, out: Path) -> Path:
    """Compile the weights of ``checkpoint`` (written by scripts/train_tiny_gpt.py) into ``out``."""
    ckpt = torch.load(checkpoint, map_location="cpu", weights_only=True)
    c = ckpt["config"]
    model = ScriptedGPT(c["vocab_size"], c["max_len"], c["d_model"], c["n_heads"], c["n_layers"], c["d_ff"])
    model.load_state_dict({k: v.float() for k, v in ckpt["state_dict"].items()})
    model.eval()
    scripted = torch.jit.script(model)
    extra = {"chars.txt": ckpt["chars"], "info.json": json.dumps(ckpt["extra"], indent=1, sort_keys=True)}
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.jit.save(scripted, str(out), _extra_files=extra)
    return out
