"""Signs that a notebook ran out of memory, whichever limit applied and wherever it happened.

Under RLIMIT_AS an allocation fails inside the kernel: a MemoryError, or an import that cannot map
a shared library (``import torch`` under 1 GB). Under a memory cgroup the kernel's OOM killer kills
the process: the cgroup's counters say so.
"""

from __future__ import annotations

import os
import re

from autograder.engine import cgroups

SIGNS = re.compile(
    r"MemoryError|Cannot allocate memory|can't allocate memory|failed to map segment|out of memory|"
    r"std::bad_alloc|\[Errno 12\]", re.IGNORECASE)


def kernel_log(policy) -> str:
    """Where the kernel process's own stderr goes (in its working directory)."""
    return os.path.join(policy.workdir, "kernel.stderr")


def _log_sign(policy) -> str:
    try:
        with open(kernel_log(policy), "rb") as handle:
            handle.seek(max(0, os.path.getsize(kernel_log(policy)) - 2**20))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    line = next((part for part in text.splitlines() if SIGNS.search(part)), "")
    return f"the kernel process reported: {line.strip()[:200]}" if line else ""


def exhausted(nb, policy) -> str:
    """A short description of the first memory failure in ``nb``, the kernel's own stderr or its
    cgroup; '' if none."""
    if policy is not None and cgroups.cgroup_oom_kills(policy.cgroup):
        return "the kernel was killed by the out-of-memory killer"
    if policy is not None and _log_sign(policy):
        return _log_sign(policy)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                text = f"{out.get('ename')}: {out.get('evalue')}"
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                text = str(out.get("text", ""))
            else:
                continue
            if SIGNS.search(text):
                line = next((part for part in text.splitlines() if SIGNS.search(part)), text)
                return line.strip()[:200]
    return ""


def limit_mode(memory_mb: int) -> str:
    """Which memory limit kernels get here: a memory cgroup where one can be made, else RLIMIT_AS."""
    parent = cgroups.memory_cgroup_parent()
    if parent is not None:
        probe = cgroups.create_memory_cgroup(f"qkv-probe-{os.getpid()}", memory_mb)
        if probe:
            cgroups.remove_cgroup(probe)
            return "cgroup v2 memory.max" if parent[0] == "v2" else "cgroup v1 memory.limit_in_bytes"
    return "rlimit (RLIMIT_AS: address space)"
