"""Warm Jupyter kernels: a zygote that has imported the course's heavy modules once forks every kernel.

A cold kernel pays for starting Python and ipykernel and for ``import torch`` (1.7 CPU-s) before its first
cell. A zygote is a fresh interpreter that imports :data:`PRELOAD` once and then waits on a Unix socket. To
start a kernel, Jupyter's kernel manager runs this file's small client instead of the kernel's command; the
client hands the zygote its standard streams, the kernel's command, environment and folder. The zygote forks;
the child takes them and becomes the kernel, in-process. The client stays as the kernel manager's process: it
forwards interrupts and exits with the kernel's status. Where the zygote cannot be reached (or on a system
without ``fork`` and Unix sockets), the client runs the kernel's usual command: a cold start.

Two users, one implementation:

* ``scripts/execute_pages.py`` executes the book's pages with kernels forked from one zygote (``make book``);
* the grader (``autograder/engine/zygote.py``) starts its zygote with ``--sandbox FILE``: each child then applies
  that sandbox (namespaces, limits, a throwaway user) with the policy the request carries, before it becomes
  the kernel.

Usage (by the programs above, not by hand)::

    python -P warm_kernels.py serve SOCKET [--sandbox FILE]
    python -I -S warm_kernels.py launch SOCKET REQUEST_JSON COLD_COMMAND...

Every function here is private: the learner kit ships this file, and nothing of it is meant to be called from
a notebook. It imports only the standard library until the zygote imports :data:`PRELOAD`.
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

#: Imported once by the zygote: what every notebook and page of the course imports, and the kernel itself; and
#: what torch imports lazily at its first shape check (torch._check_with, e.g. in nn.MultiheadAttention): sympy,
#: 0.65 CPU-s; and ipykernel's debugger (debugpy), which every kernel imports as it starts, 0.12 CPU-s (it starts
#: no thread); and what ipykernel imports as it sets a kernel up and IPython as it shows a traceback (its object
#: inspector, completer and debugger, sqlite3 for the history, pygments' terminal colours: 0.03 CPU-s per kernel
#: under cProfile). (Not matplotlib for every kernel: see WARM_USES.)
PRELOAD = ("numpy", "torch", "torch.fx.experimental.symbolic_shapes", "IPython", "ipykernel.kernelapp",
           "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger",
           "IPython.core.logger", "IPython.core.oinspect", "IPython.extensions.storemagic", "pdb", "sqlite3",
           "tornado.platform.asyncio", "pygments.formatters.terminal256")
#: The part of :data:`PRELOAD` that a zygote for kernels that never import torch leaves out (1.7 CPU-s).
TORCH = ("torch", "torch.fx.experimental.symbolic_shapes")
#: Learner-kit modules that import heavy libraries lazily, inside a function (transformers takes 4 s): asked for
#: by name, the zygote imports one and runs its ``warm()`` (the same imports, nothing more).
WARM_MODULES = ("qkvlab.minilm",)
#: Modules imported on first use, by what the code uses: constructing any optimizer imports torch._dynamo (1.7
#: CPU-s and 800 modules, sympy among them), once per kernel; a kernel that plots imports matplotlib's pyplot (0.27
#: CPU-s), whose import reads the kernel's own settings: the child settles them (:func:`_settle_matplotlib`); a
#: kernel that loads GloVe imports pyarrow and reads 400,000 words (0.2 s; ``qkvlab.data.warm`` does it once).
WARM_USES = {"torch.optim.": "torch._dynamo", "matplotlib": "matplotlib.pyplot", "qkvlab.plots": "matplotlib.pyplot",
             "load_glove": "qkvlab.data"}
#: The backend a kernel's matplotlib uses when its environment names none (ipykernel sets it as it starts).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_MPL: dict[str, str] = {}  # what the zygote's matplotlib read at import: its backend and its settings file
PR_SET_PDEATHSIG = 1
MAX_REQUEST = 1 << 20


# ------------------------------------------------------------------ the zygote's owner


def _client_command(socket_path: str, request: dict, cold: list[str]) -> list[str]:
    """The kernel manager's command: this file's client, which falls back to ``cold``."""
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), "launch", socket_path, json.dumps(request), *cold]


def _start(socket_path: str, env: dict[str, str], home: str, log: str, sandbox: str | None = None,
           without: tuple[str, ...] = ()):
    """Start a zygote listening on ``socket_path`` (it imports PRELOAD but ``without`` in the background); the
    process."""
    import subprocess

    os.makedirs(home, exist_ok=True)
    if os.path.exists(socket_path):
        os.unlink(socket_path)
    extra = ["--sandbox", sandbox] if sandbox else []
    extra += ["--without", ",".join(without)] if without else []
    with open(log, "ab") as err:
        # -P: not this folder on sys.path (a kernel imports only what its environment gives it)
        process = subprocess.Popen([sys.executable, "-P", os.path.abspath(__file__), "serve", socket_path, *extra],
                                   env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=err, preexec_fn=_die_with_parent)
    # It listens before it imports: once the socket exists, a client waits for the imports instead of
    # starting cold (a fraction of a second; a zygote that cannot start leaves cold starts).
    deadline = time.monotonic() + 10
    while not os.path.exists(socket_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return process


def _warm(socket_path: str | None, modules: list[str], wait: bool = False) -> list[str]:
    """Ask the zygote to import ``modules`` before its next kernel (a kernel asked for later waits); with
    ``wait``, which of them it then holds (only :data:`WARM_MODULES` and the modules of :data:`WARM_USES`)."""
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


def _modules_to_warm(code: str) -> list[str]:
    """The :data:`WARM_MODULES` that ``code`` imports and the modules of the :data:`WARM_USES` that it uses."""
    import re

    named = set(re.findall(r"^\s*(?:from|import)\s+([\w.]+)", code, re.MULTILINE))
    return list(dict.fromkeys([name for name in WARM_MODULES if name in named]
                              + [module for used, module in WARM_USES.items() if used in code]))


def _supported() -> bool:
    """Fork, Unix sequenced-packet sockets and descriptor passing: Linux (elsewhere kernels start cold)."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds") and hasattr(os, "fork")


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


# ------------------------------------------------------------------ the client (the kernel manager's process)


def _launch(socket_path: str, request_json: str, cold: list[str]) -> None:
    """Ask the zygote for a kernel; wait for it and exit with its status. Fall back to a cold start."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        conn.connect(socket_path)
        request = {**json.loads(request_json), "env": dict(os.environ), "cwd": os.getcwd()}
        socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
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


def _serve(socket_path: str, sandbox: str | None, without: tuple[str, ...] = ()) -> None:
    """Listen first (a client may queue while the imports run), import, then fork one child per request."""
    import gc
    import importlib

    old = os.umask(0o177)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    staging = socket_path + ".new"
    if os.path.exists(staging):
        os.unlink(staging)
    server.bind(staging)
    os.umask(old)
    server.listen(16)
    # The socket appears at its path only once it listens: a client that sees the file (the starter waits for
    # it) could otherwise connect between bind and listen, be refused, and start its kernel cold
    os.rename(staging, socket_path)
    for name in PRELOAD:
        if name not in without:
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
                pid = _fork_kernel(conn, server, children, sandbox)
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


def _fork_kernel(conn: socket.socket, server: socket.socket, children: dict, sandbox: str | None) -> int:
    try:
        message, fds, _, _ = socket.recv_fds(conn, MAX_REQUEST, 3)
        request = json.loads(message)
    except (OSError, ValueError):
        conn.close()
        return 0
    if "warm" in request:
        _import_warm(request["warm"])
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
            _become_kernel(request, conn, sandbox)
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


def _import_warm(modules: list) -> None:
    import gc
    import importlib

    for name in modules:
        if (name in WARM_MODULES or name in WARM_USES.values()) and name not in sys.modules:
            try:
                if name.startswith("matplotlib"):  # the backend a kernel gets when its environment names none
                    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
                getattr(importlib.import_module(name), "warm", lambda: None)()
                if name.startswith("matplotlib"):
                    _MPL.update(backend=os.environ["MPLBACKEND"], rcfile=sys.modules["matplotlib"].matplotlib_fname())
            except Exception:  # noqa: BLE001 - the kernels import it themselves (and report any error)
                traceback.print_exc()
    gc.collect()
    gc.freeze()


def _apply_sandbox(path: str, policy_json: str) -> None:
    """In the child: the grader's sandbox (``path``: its module, loaded from the file) with the request's policy."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_qkv_sandbox", path)
    module = sys.modules["_qkv_sandbox"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    problems = module.apply(module.Policy(**json.loads(policy_json)))
    del sys.modules["_qkv_sandbox"]
    if problems:
        print("sandbox: " + "; ".join(problems), file=sys.stderr, flush=True)


def _settle_matplotlib() -> None:
    """In the child, under the kernel's environment and in its folder: matplotlib as the kernel would have imported
    it. The zygote's matplotlib remembered its own configuration and cache folders: it is asked for them again. If
    the kernel's backend or settings file (``matplotlibrc`` in its folder, ``$MATPLOTLIBRC``, its configuration
    folder) differ from the zygote's, the zygote's matplotlib is dropped and the kernel imports its own."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return
    settled = bool(_MPL)  # nothing recorded (another warm module imported it): the kernel imports its own
    for folder in (mpl.get_configdir, mpl.get_cachedir):  # matplotlib computes each once, then keeps it
        cells = dict(zip(folder.__code__.co_freevars, folder.__closure__ or (), strict=False))
        if "called" in cells:
            cells["called"].cell_contents = False
        else:  # another matplotlib than the one this was written for
            settled = False
    if settled:
        settled = ((os.environ.get("MPLBACKEND") or INLINE_BACKEND) == _MPL["backend"]
                   and mpl.matplotlib_fname() == _MPL["rcfile"])
    if not settled:
        for name in [n for n in sys.modules if n.split(".")[0] in ("matplotlib", "mpl_toolkits")]:
            del sys.modules[name]


def _become_kernel(request: dict, conn: socket.socket, sandbox: str | None) -> None:
    """In the child: the sandbox (the grader's zygote) or the client's folder, the kernel's environment, then
    ipykernel (or an exec of any other command)."""
    import importlib.util

    conn.close()
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the zygote's listening socket, selector and clients' sockets
    os.setsid()
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if sandbox:
        _apply_sandbox(sandbox, request["policy"])  # it sets the kernel's folder
    else:  # the folder the kernel manager chose, on sys.path as IPython puts it for a cold kernel (before the
        os.chdir(request["cwd"])  # first site-packages; it leaves it out here, as this interpreter runs with -P)
        first = [i for i, path in enumerate(sys.path) if os.path.basename(path) in ("site-packages", "dist-packages")]
        sys.path.insert(first[0] if first else 0, "")
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
    _settle_matplotlib()
    launcher = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *argv[3:]]  # as `python -m` sets it
    if not sandbox and env.get("JPY_PARENT_PID"):  # ipykernel read it as the zygote imported it, with no manager
        sys.argv.append(f"--IPKernelApp.parent_handle={env['JPY_PARENT_PID']}")
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        options = dict(zip(sys.argv[3::2], sys.argv[4::2], strict=True))
        _serve(sys.argv[2], options.get("--sandbox"), tuple(filter(None, options.get("--without", "").split(","))))
    elif sys.argv[1] == "launch":
        _launch(sys.argv[2], sys.argv[3], sys.argv[4:])
