"""Warm kernels for the grader: a zygote that has imported the heavy modules once forks every sandboxed kernel.

The zygote itself (server, client, child) is ``scripts/warm_kernels.py``, which the book's page execution
uses too; this module is the grader's side of it: one zygote per class, its sandbox, its warm-up.

A cold kernel pays for starting Python, IPython and ipykernel and for ``import torch`` before its first
cell; a grader pays that for every notebook. The grade command therefore starts one zygote: a Python
process, with the kernels' clean environment and the learner kit on its path, that imports
:data:`PRELOAD` and then waits on a Unix socket in the grader's private folder. To start a kernel, the
kernel manager runs the zygote's small client instead of the sandbox launcher; the client hands the
zygote its standard streams, the sandbox policy, the kernel's environment and command. The zygote
forks; the child applies the same :func:`autograder.sandbox.apply` as a cold start (namespaces,
limits, throwaway uid), takes the kernel's environment and becomes the kernel, in-process. The client
stays as the kernel manager's process: it forwards interrupts, and exits with the kernel's status.

* Nothing of the grader is in the zygote: it is a fresh interpreter (not a fork of the worker), started
  with the kernels' environment, and it runs no learner code; each child runs one submission.
* The socket lives in the worker's 0700 folder, hidden from kernels; only root-run workers reach it.
* One zygote per machine and class: the grade command starts it and its workers share it (a Dask worker
  starts its own). A kernel whose client dies (the manager killed it) is killed by the zygote; the zygote
  dies with the process that started it. Where the zygote cannot be reached the client starts the kernel
  cold, as before.
* ``QKV_COLD_KERNELS=1`` turns the zygote off (every kernel then starts cold).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

from autograder import course
from autograder.engine import font_cache

_spec = importlib.util.spec_from_file_location("_qkv_warm_kernels", course.REPO / "scripts" / "warm_kernels.py")
warm_kernels = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(warm_kernels)

PRELOAD = warm_kernels.PRELOAD
WARM_MODULES = warm_kernels.WARM_MODULES
WARM_USES = warm_kernels.WARM_USES
#: The sandbox every child applies before it becomes the kernel.
SANDBOX = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sandbox.py")


def command(socket_path: str | None, sandbox_path: str, policy_json: str, kernel_cmd: list[str]) -> list[str]:
    """The kernel manager's command: the client when a zygote runs, else the cold sandbox launcher."""
    cold = [sys.executable, sandbox_path, policy_json, "--", *kernel_cmd]
    if not socket_path or os.environ.get("QKV_COLD_KERNELS"):
        return cold
    return warm_kernels._client_command(socket_path, {"policy": policy_json, "argv": kernel_cmd}, cold)  # noqa: SLF001


_RUNNING: dict[tuple[str, str], tuple[object, str]] = {}  # (kernels folder, kit) -> (process, socket)


#: Set by the grade command for its worker processes: the socket of the one zygote of this machine's class.
SHARED_ENV = "QKV_ZYGOTE_SOCKET"


def ensure(work: str, kernels: str, torch: bool = True) -> str | None:
    """The socket of the zygote for a class: the one the command shares with its workers (``SHARED_ENV``),
    else this process's own (started on first use); None: cold kernels. ``torch=False``: a class whose
    notebook never uses torch (:func:`uses_torch`): the zygote does not import it."""
    from autograder import sandbox

    if os.environ.get("QKV_COLD_KERNELS"):
        return None
    if os.environ.get(SHARED_ENV):
        return os.environ[SHARED_ENV]
    key = (kernels, os.environ.get(sandbox.KIT_ENV, ""))
    if key in _RUNNING and _RUNNING[key][0].poll() is None:
        return _RUNNING[key][1]
    for process, _ in _RUNNING.values():  # one class at a time per worker
        process.kill()
    _RUNNING.clear()
    home = os.path.join(kernels, f".zygote-{os.getpid()}")
    socket_path = os.path.join(work, f"zygote-{os.getpid()}.sock")
    # matplotlib, once warmed, reads the kernels' font cache (its copy in each kernel's folder is the same file)
    env = sandbox.kernel_environment(home, {"MPLCONFIGDIR": str(font_cache.font_cache(Path(kernels)))})
    without = () if torch else warm_kernels.TORCH
    _RUNNING[key] = (start(socket_path, env, home, os.path.join(work, "zygote.log"), without), socket_path)
    return socket_path


def modules_to_warm(notebook_path: str) -> list[str]:
    """The :data:`WARM_MODULES` that a notebook's code cells import, and the :data:`WARM_USES` that they use."""
    with open(notebook_path, encoding="utf-8") as handle:
        cells = json.load(handle).get("cells", [])
    code = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
    return warm_kernels._modules_to_warm(code)  # noqa: SLF001


def uses_torch(notebook_path: str) -> bool:
    """Whether a notebook's code names torch, or a module that imports it (transformers, the learner kit's
    tinygpt and minilm; its other modules do not). A miss costs speed only: the kernels import torch themselves."""
    import re

    with open(notebook_path, encoding="utf-8") as handle:
        cells = json.load(handle).get("cells", [])
    code = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
    return re.search(r"\b(torch|transformers|sentence_transformers|tinygpt|minilm)\b", code) is not None


def warm(socket_path: str | None, modules: list[str], kernels: str | None = None, wait: bool = False) -> list[str]:
    """Ask the zygote to import ``modules`` before its next kernel; with ``wait``, which of them it holds.

    matplotlib only once the kernels' font cache is there (a class's first on a machine builds it meanwhile):
    the zygote would otherwise build one of its own before its first kernel."""
    if not (kernels and font_cache.font_cache_ready(Path(kernels), timeout=0)):
        modules = [name for name in modules if not name.startswith("matplotlib")]
    return warm_kernels._warm(socket_path, modules, wait)  # noqa: SLF001


def stop_all() -> None:
    """Stop the zygotes this process started (their kernels die with them)."""
    for process, _ in _RUNNING.values():
        process.kill()
        process.wait()
    _RUNNING.clear()


def start(socket_path: str, env: dict[str, str], home: str, log: str, without: tuple[str, ...] = ()):
    """Start a zygote for sandboxed kernels on ``socket_path`` (it imports PRELOAD but ``without`` in the
    background)."""
    return warm_kernels._start(socket_path, env, home, log, sandbox=SANDBOX, without=without)  # noqa: SLF001
