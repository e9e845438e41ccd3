"""The grader's side of the sandbox: which isolation features this machine allows (:func:`probe`, run once
per class) and clearing a throwaway user's processes after its kernel (:func:`kill_uid`).

:mod:`autograder.sandbox` itself runs in the kernel's process before ``exec`` (or in a zygote's child), so it
stays a standalone, standard-library module; this one runs in the grader.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time

from autograder.sandbox import FEATURES, Policy, needed_paths

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the probe imports the sandbox


def kill_uid(uid: int, rounds: int = 20) -> None:
    """SIGKILL every process owned by ``uid`` (repeat: a fork bomb keeps spawning)."""
    if uid is None or os.geteuid() != 0 or not _uid_has_processes(uid):  # (a fork of the worker costs ~5 ms)
        return
    for _ in range(rounds):
        pid = os.fork()
        if pid == 0:  # child: become the uid, kill everything it owns (not ourselves)
            try:
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            os._exit(0)
        os.waitpid(pid, 0)
        if not _uid_has_processes(uid):
            return
        time.sleep(0.02)


def _uid_has_processes(uid: int) -> bool:
    """Whether ``uid`` owns a live process. A zombie does not count: it runs nothing and holds nothing, and a
    killed kernel stays one until the zygote that forked it reaps it (up to 0.1 s later, at every submission)."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid and not _is_zombie(entry):
                    return True
            except OSError:
                continue
    return False


def _is_zombie(pid: str) -> bool:
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
        state = handle.read().rsplit(")", 1)[1].split()[0]  # after the command's name, which may hold ") "
    return state in ("Z", "X")


def probe(hide_example: str | None = None) -> dict[str, str]:
    """Which isolation features work on this machine: feature -> '' (works) or why not."""
    script = (
        "import json, os, socket, resource, sys\n"
        "from autograder.sandbox import Policy, apply\n"
        "p = Policy(**json.loads(sys.argv[1]))\n"
        "probs = apply(p)\n"
        "out = {'problems': probs, 'uid': os.getuid()}\n"
        "try:\n"
        "    s = socket.create_connection(('1.1.1.1', 53), timeout=1); out['net'] = 'open'\n"
        "except OSError as e:\n"
        "    out['net'] = 'blocked'\n"
        "out['as'] = resource.getrlimit(resource.RLIMIT_AS)[0]\n"
        "out['nproc'] = resource.getrlimit(resource.RLIMIT_NPROC)[0]\n"
        "out['hidden'] = [not os.path.exists(h) or os.listdir(h) == [] for h in p.hide]\n"  # gone or empty
        "print(json.dumps(out))\n"
    )
    import tempfile

    result: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="qkv-probe-") as tmp:
        os.chmod(tmp, 0o711)  # the throwaway user must be able to enter its own workdir
        hide = [hide_example] if hide_example else []
        uid = 64999 if os.geteuid() == 0 else None
        policy = Policy(workdir=os.path.join(tmp, "w"), uid=uid, memory_mb=1024, hide=hide, expose=needed_paths())
        try:
            proc = subprocess.run(
                [sys.executable, "-c", script, policy.to_json()],
                capture_output=True, text=True, timeout=60, cwd=REPO,
            )
            out = json.loads(proc.stdout.strip().splitlines()[-1])
        except Exception as error:  # noqa: BLE001 - report and degrade
            return {f: f"the sandbox probe failed ({error})" for f in FEATURES}
        problems = " ".join(out["problems"])
        result["network"] = "" if out["net"] == "blocked" else f"no network namespace ({problems or 'unshare failed'})"
        if os.geteuid() != 0:
            result["user"] = "the grader is not root, so kernels cannot switch to a throwaway user"
            result["filesystem"] = "not root: cannot hide solutions/ and the gradebook with a mount namespace"
        else:
            result["user"] = "" if out["uid"] == uid else "setuid failed"
            result["filesystem"] = "" if all(out["hidden"]) else f"mount namespace failed ({problems})"
        result["memory"] = "" if out["as"] == 1024 * 2**20 else "RLIMIT_AS could not be set"
        result["processes"] = "" if out["nproc"] not in (-1, resource.RLIM_INFINITY) else (
            "no process limit (RLIMIT_NPROC needs the throwaway user, i.e. root)")
        if os.geteuid() == 0:
            kill_uid(uid)
    return result
