"""Warm kernels: a zygote that has imported the heavy modules once forks every sandboxed kernel.

A cold kernel pays for starting Python, IPython and ipykernel and for ``import torch`` before its first
cell; a grader pays that for every notebook. The grade command therefore starts one zygote: a Python
process, with the kernels' clean environment and the learner kit on its path, that imports
:data:`PRELOAD` and then waits on a Unix socket in the grader's private folder. To start a kernel, the
kernel manager runs this file's small client instead of the sandbox launcher; the client hands the
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

import json
import os
import selectors
import signal
import socket
import sys
import time
import traceback

#: Imported once by the zygote: what every notebook of the course imports, and the kernel itself; and what torch
#: imports lazily at its first shape check (torch._check_with, e.g. in nn.MultiheadAttention): sympy, 0.65 CPU-s
#: that every kernel of chapters 3, 5 and 6 paid; and ipykernel's debugger (debugpy), which every kernel imports
#: as it starts, 0.12 CPU-s (it starts no thread). (Not matplotlib: it fixes its configuration folder at import,
#: which is per kernel.)
PRELOAD = ("numpy", "torch", "torch.fx.experimental.symbolic_shapes", "IPython", "ipykernel.kernelapp",
           "ipykernel.ipkernel", "ipykernel.debugger")
#: Learner-kit modules that import heavy libraries lazily, inside a function (transformers takes 4 s): for a class
#: whose notebook imports one, the zygote imports it too and runs its ``warm()`` (the same imports, nothing more).
#: (Not one that imports matplotlib: PRELOAD leaves it out, see above.)
WARM_MODULES = ("qkvlab.minilm",)
#: Modules that torch imports lazily on first use, by what a notebook's code uses: constructing any optimizer
#: imports torch._dynamo (1.7 CPU-s and 800 modules, sympy among them), once per kernel.
WARM_USES = {"torch.optim.": "torch._dynamo"}
PR_SET_PDEATHSIG = 1
MAX_REQUEST = 1 << 20


# ------------------------------------------------------------------ the worker's side


def command(socket_path: str | None, sandbox_path: str, policy_json: str, kernel_cmd: list[str]) -> list[str]:
    """The kernel manager's command: the client when a zygote runs, else the cold sandbox launcher."""
    cold = [sys.executable, sandbox_path, policy_json, "--", *kernel_cmd]
    if not socket_path or os.environ.get("QKV_COLD_KERNELS"):
        return cold
    return [sys.executable, "-I", "-S", __file__, "launch", socket_path, *cold]


_RUNNING: dict[tuple[str, str], tuple[object, str]] = {}  # (kernels folder, kit) -> (process, socket)


#: Set by the grade command for its worker processes: the socket of the one zygote of this machine's class.
SHARED_ENV = "QKV_ZYGOTE_SOCKET"


def ensure(work: str, kernels: str) -> str | None:
    """The socket of the zygote for a class: the one the command shares with its workers (``SHARED_ENV``),
    else this process's own (started on first use); None: cold kernels."""
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
    _RUNNING[key] = (start(socket_path, sandbox.kernel_environment(home), home, os.path.join(work, "zygote.log")),
                     socket_path)
    return socket_path


def modules_to_warm(notebook_path: str) -> list[str]:
    """The :data:`WARM_MODULES` that a notebook's code cells import, and the :data:`WARM_USES` that they use."""
    import re

    with open(notebook_path, encoding="utf-8") as handle:
        cells = json.load(handle).get("cells", [])
    code = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
    named = set(re.findall(r"^\s*(?:from|import)\s+([\w.]+)", code, re.MULTILINE))
    return ([name for name in WARM_MODULES if name in named]
            + [module for used, module in WARM_USES.items() if used in code])


def warm(socket_path: str | None, modules: list[str], wait: bool = False) -> list[str]:
    """Ask the zygote to import ``modules`` before its next kernel (in turn: a kernel asked for later waits).

    Returns, when ``wait`` is set, which of them the zygote then holds (only :data:`WARM_MODULES` and the
    modules of :data:`WARM_USES` are warmed).
    """
    if not socket_path or not modules:
        return []
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        conn.connect(socket_path)
        conn.send(json.dumps({"warm": list(modules)}).encode())
        return json.loads(conn.recv(MAX_REQUEST))["warm"] if wait else []
    except (OSError, ValueError, KeyError):
        return []  # kernels then import them themselves
    finally:
        conn.close()


def stop_all() -> None:
    """Stop the zygotes this process started (their kernels die with them)."""
    for process, _ in _RUNNING.values():
        process.kill()
        process.wait()
    _RUNNING.clear()


def start(socket_path: str, env: dict[str, str], home: str, log: str):
    """Start a zygote listening on ``socket_path`` (it imports PRELOAD in the background)."""
    import subprocess

    os.makedirs(home, exist_ok=True)
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    with open(log, "ab") as err:
        # -P: not this folder on sys.path (the kernels must import only what a learner can)
        process = subprocess.Popen([sys.executable, "-P", __file__, "serve", socket_path], env=env, cwd=home,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                   preexec_fn=_die_with_parent)
    # It listens before it imports: once the socket exists, a client waits for the imports instead of
    # starting cold (a fraction of a second; a zygote that cannot start leaves cold starts).
    deadline = time.monotonic() + 10
    while not os.path.exists(socket_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return process


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


# ------------------------------------------------------------------ the client (the kernel manager's process)


def launch(socket_path: str, cold: list[str]) -> None:
    """Ask the zygote for a kernel; wait for it and exit with its status. Fall back to a cold start."""
    policy_json, kernel_cmd = cold[2], cold[4:]
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        conn.connect(socket_path)
        request = json.dumps({"policy": policy_json, "argv": kernel_cmd, "env": dict(os.environ)}).encode()
        socket.send_fds(conn, [request], [0, 1, 2])
        pid = json.loads(conn.recv(256))["pid"]
    except (OSError, ValueError, KeyError):
        conn.close()
        os.execv(cold[0], cold)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: _forward(pid, signum))
    reply = conn.recv(256)  # blocks until the kernel exits (or the zygote dies)
    status = json.loads(reply)["status"] if reply else 1
    os._exit(status if 0 <= status < 256 else 1)


def _forward(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signal.SIGINT if signum == signal.SIGINT else signal.SIGKILL)
    except OSError:
        pass
    if signum != signal.SIGINT:
        os._exit(128 + signum)


# ------------------------------------------------------------------ the zygote


def serve(socket_path: str) -> None:
    """Listen first (a client may queue while the imports run), import, then fork one child per request."""
    import gc
    import importlib

    old = os.umask(0o177)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server.bind(socket_path)
    os.umask(old)
    server.listen(16)
    for name in PRELOAD:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()  # the preloaded objects stay shared: a child's garbage collector does not touch their pages
    selector = selectors.DefaultSelector()
    selector.register(server, selectors.EVENT_READ)
    children: dict[int, socket.socket] = {}
    while True:
        for key, _ in selector.select(timeout=0.1):
            if key.fileobj is server:
                conn, _ = server.accept()
                pid = _fork_kernel(conn, server, children)
                if pid:
                    children[pid] = conn
                    selector.register(conn, selectors.EVENT_READ, pid)
            else:  # a client went away before its kernel ended: the kernel goes too
                try:
                    os.kill(key.data, signal.SIGKILL)
                except OSError:
                    pass
                selector.unregister(key.fileobj)
        _reap(children, selector)


def _reap(children: dict[int, socket.socket], selector) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:
            continue
        try:
            selector.unregister(conn)
        except (KeyError, ValueError):
            pass
        try:
            conn.send(json.dumps({"status": os.waitstatus_to_exitcode(status) % 256}).encode())
        except OSError:
            pass
        conn.close()


def _fork_kernel(conn: socket.socket, server: socket.socket, children: dict) -> int:
    try:
        message, fds, _, _ = socket.recv_fds(conn, MAX_REQUEST, 3)
        request = json.loads(message)
    except (OSError, ValueError):
        conn.close()
        return 0
    if "warm" in request:
        _warm(request["warm"])
        try:
            conn.send(json.dumps({"warm": [n for n in request["warm"] if n in sys.modules]}).encode())
        except OSError:
            pass  # the client did not wait
        conn.close()
        return 0
    try:
        pid = os.fork()
    except OSError:  # no process to spare: the client starts the kernel cold
        for fd in fds:
            os.close(fd)
        conn.close()
        return 0
    if pid == 0:
        status = 1
        try:
            server.close()
            for other in children.values():
                other.close()
            for target, fd in zip((0, 1, 2), fds, strict=False):
                os.dup2(fd, target)
            _become_kernel(request, conn)
            status = 0
        except SystemExit as done:
            status = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except BaseException:  # noqa: BLE001 - the kernel's stderr (the row's message) says why
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    for fd in fds:
        os.close(fd)
    try:
        conn.send(json.dumps({"pid": pid}).encode())
    except OSError:
        pass
    return pid


def _warm(modules: list) -> None:
    import gc
    import importlib

    for name in modules:
        if (name in WARM_MODULES or name in WARM_USES.values()) and name not in sys.modules:
            try:
                getattr(importlib.import_module(name), "warm", lambda: None)()
            except Exception:  # noqa: BLE001 - the kernels import it themselves (and report any error)
                traceback.print_exc()
    gc.collect()
    gc.freeze()


def _become_kernel(request: dict, conn: socket.socket) -> None:
    """In the child: the sandbox, the kernel's environment, then ipykernel (or an exec of the command)."""
    import importlib.util

    conn.close()
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the zygote's listening socket, selector and clients' sockets
    os.setsid()
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    spec = importlib.util.spec_from_file_location("_qkv_sandbox", SANDBOX)
    sandbox = sys.modules["_qkv_sandbox"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sandbox)
    problems = sandbox.apply(sandbox.Policy(**json.loads(request["policy"])))
    del sys.modules["_qkv_sandbox"], sandbox
    if problems:
        print("sandbox: " + "; ".join(problems), file=sys.stderr, flush=True)
    env = request["env"]
    for key in ("TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR", "XDG_CACHE_HOME", "JUPYTER_RUNTIME_DIR"):
        if key in env:
            os.makedirs(env[key], exist_ok=True)
    argv = request["argv"]
    if len(argv) < 3 or argv[1:3] != ["-m", "ipykernel_launcher"]:
        os.execve(argv[0], argv, env)
    os.environ.clear()
    os.environ.update(env)
    import tempfile

    tempfile.tempdir = None  # read TMPDIR again
    launcher = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *argv[3:]]  # as `python -m` sets it
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


SANDBOX = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sandbox.py")


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    elif sys.argv[1] == "launch":
        launch(sys.argv[2], sys.argv[3:])
