"""Memory cgroups for the kernels: the memory a kernel actually uses, limited the way container runtimes
do it. Each kernel gets a child of the grader's own cgroup with memory.max (cgroup v2) or
memory.limit_in_bytes (cgroup v1); the sandbox moves the kernel into it before exec
(:func:`autograder.sandbox.join_cgroup`). RLIMIT_AS (address space) is the fallback: it also counts
reserved, unused mappings, so torch needs far more of it than it uses.
"""

from __future__ import annotations

import os
import time


def memory_cgroup_parent() -> tuple[str, str] | None:
    """(version, folder) under which this process may create memory cgroups, or None."""
    if os.geteuid() != 0:
        return None
    try:
        lines = open("/proc/self/cgroup", encoding="utf-8").read().splitlines()
    except OSError:
        return None
    for line in lines:
        hid, controllers, path = line.split(":", 2)
        if hid == "0" and controllers == "":
            for mount in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
                folder = os.path.join(mount, path.lstrip("/"))
                try:
                    enabled = open(os.path.join(folder, "cgroup.subtree_control"), encoding="utf-8").read().split()
                except OSError:
                    continue
                if "memory" in enabled and os.access(folder, os.W_OK):
                    return "v2", folder
        elif "memory" in controllers.split(","):
            folder = os.path.join("/sys/fs/cgroup/memory", path.lstrip("/"))
            if os.path.isfile(os.path.join(folder, "memory.limit_in_bytes")) and os.access(folder, os.W_OK):
                return "v1", folder
    return None


def create_memory_cgroup(name: str, memory_mb: int) -> str | None:
    """A fresh memory cgroup limited to ``memory_mb`` (swap included where the kernel allows); None if
    the machine does not allow one."""
    parent = memory_cgroup_parent()
    if parent is None:
        return None
    version, folder = parent
    path = os.path.join(folder, name)
    try:
        os.makedirs(path, exist_ok=True)
        limit = str(memory_mb * 2**20)
        files = ["memory.max", "memory.swap.max"] if version == "v2" else \
            ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"]
        for index, file in enumerate(files):
            try:
                with open(os.path.join(path, file), "w", encoding="utf-8") as handle:
                    handle.write(limit if index == 0 or version == "v1" else "0")
            except OSError:
                if index == 0:
                    raise
    except OSError:
        remove_cgroup(path)
        return None
    return path


def cgroup_oom_kills(path: str | None) -> int:
    """How many processes the kernel's out-of-memory killer killed in the cgroup ``path``."""
    if not path:
        return 0
    for file, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
        try:
            for line in open(os.path.join(path, file), encoding="utf-8"):
                name, _, value = line.partition(" ")
                if name == key and int(value) > 0:
                    return int(value)
        except OSError:
            continue
    return 0


def remove_cgroup(path: str | None) -> None:
    """Remove a memory cgroup once its processes are gone (retry briefly: the kill is asynchronous)."""
    if not path:
        return
    for _ in range(50):
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)
