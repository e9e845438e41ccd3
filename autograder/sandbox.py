"""Run one untrusted process (a student's Jupyter kernel) in a sandbox.

The grader starts every kernel through this module::

    python -m autograder.sandbox '<policy json>' -- python -m ipykernel_launcher -f kernel.json

which, before ``exec``-ing the kernel, applies what the machine allows:

* a new network namespace (no network, not even the host's loopback);
* a new mount namespace in which every non-system top-level folder (/tmp, /home,
  /root, /work, ...) is an empty tmpfs, with only the interpreter, the virtualenv
  and the learner kit (:func:`use_learner_kit`) bound back: the kernel sees the
  files learners get, never this repository (solutions, bank, tests, book,
  scripts, instructor code), the gradebook or other submissions;
* resource limits: address space (memory), number of processes/threads, file
  size, no core dumps;
* an unprivileged, throwaway uid/gid (one per submission, so a fork bomb or a
  leftover process of one submission cannot touch another) with
  ``no_new_privs`` set;
* its own working/home/temp directory.

The kernel talks to the grader over Unix sockets (ZeroMQ ``ipc`` transport) in
that directory, so it needs no network at all.  :func:`autograder.engine.isolation.probe`
finds out once which features work here; the grader reports the missing ones
loudly and keeps the others.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys
from dataclasses import asdict, dataclass, field

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MS_NOSUID = 0x2
MS_NODEV = 0x4
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1

FEATURES = ("network", "filesystem", "user", "memory", "processes")


# Top-level folders a kernel needs as they are; every other one (/tmp, /home, /root, /work, /opt, ...)
# is replaced by an empty tmpfs, with only the course's interpreter, virtualenv and repository bound back.
# A copy of the solutions elsewhere on the machine (another checkout, a download) stays out of reach.
SYSTEM_DIRS = {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys", "usr",
               "var"}


def default_private() -> list[str]:
    """Folders to replace with an empty tmpfs in the kernel's mount namespace."""
    found = {"/var/tmp", "/dev/shm"}
    for name in os.listdir("/"):
        path = "/" + name
        if name not in SYSTEM_DIRS and os.path.isdir(path) and not os.path.islink(path):
            found.add(path)
    return sorted(found)


@dataclass
class Policy:
    """What to apply to one kernel process."""

    workdir: str
    uid: int | None = None  # None: keep the current user (not root, or --no-setuid)
    memory_mb: int | None = 4096
    max_processes: int = 256
    max_file_mb: int = 512
    hide: list[str] = field(default_factory=list)  # paths to cover with an empty tmpfs
    expose: list[str] = field(default_factory=list)  # paths the kernel needs (Python, venv) behind 0700 dirs
    private: list[str] = field(default_factory=lambda: default_private())  # fresh, empty tmpfs
    network: bool = True  # isolate the network
    filesystem: bool = True  # use a mount namespace to hide paths
    env: dict[str, str] = field(default_factory=dict)
    cgroup: str | None = None  # a memory cgroup to join (then memory_mb is enforced there, not by RLIMIT_AS)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _unshare(flags: int) -> None:
    _check(_libc().unshare(flags), "unshare")


def _mount(source, target, fstype, flags, data) -> None:
    enc = lambda s: None if s is None else s.encode()
    _check(_libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _blocking_ancestor(path: str) -> tuple[str, str] | None:
    """The first ancestor of ``path`` that others cannot enter, and its child on the way to ``path``."""
    parts = os.path.realpath(path).strip("/").split("/")
    current = "/"
    for part in parts:
        if not os.stat(current).st_mode & 0o001:
            return current, os.path.join(current, part)
        current = os.path.join(current, part)
    return None


def _expose(paths: list[str]) -> None:
    """Inside the mount namespace, make ``paths`` reachable although an ancestor is private (e.g. /root
    is 0700 and Python lives in /root/.pyenv): cover that ancestor with a tmpfs and bind back only the
    children needed. Everything else in the private ancestor stays out of reach."""
    covered: dict[str, list[tuple[str, int]]] = {}
    for path in paths:
        if not os.path.exists(path):
            continue
        found = _blocking_ancestor(path)
        if found is None:
            continue
        ancestor, child = found
        if any(c == child for c, _ in covered.get(ancestor, [])):
            continue
        covered.setdefault(ancestor, []).append((child, os.open(child, os.O_PATH)))
    for ancestor, children in covered.items():
        _mount("tmpfs", ancestor, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0711")
        for child, fd in children:
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(child, exist_ok=True)
            else:
                open(child, "w").close()
            _mount(f"/proc/self/fd/{fd}", child, None, 0x1000 | MS_REC, None)  # MS_BIND | MS_REC
            os.close(fd)


def _kept_under(paths: list[str], private: list[str]) -> list[tuple[str, int]]:
    """Open (O_PATH) each of ``paths`` that lies inside one of the ``private`` folders, outermost first,
    skipping paths inside another kept path (the recursive bind brings them along)."""
    kept: list[tuple[str, int]] = []
    for path in sorted({os.path.realpath(p) for p in paths if os.path.exists(p)}, key=len):
        inside = any(path.startswith(os.path.realpath(d).rstrip("/") + "/") for d in private)
        if inside and not any(path == k or path.startswith(k + "/") for k, _ in kept):
            kept.append((path, os.open(path, os.O_PATH)))
    return kept


def apply(policy: Policy) -> list[str]:
    """Apply ``policy`` to the current process (call right before exec). Returns the problems met."""
    problems: list[str] = []
    libc = _libc()
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if policy.cgroup:
        try:
            join_cgroup(policy.cgroup)
        except OSError as error:
            problems.append(f"cgroup: {error}")
    is_root = os.geteuid() == 0
    _enter_namespaces(policy, is_root, problems)
    os.makedirs(policy.workdir, exist_ok=True)
    if policy.filesystem and is_root and not problems:
        try:
            _mount_view(policy)
        except OSError as error:
            problems.append(f"mounts: {error}")
    _set_limits(policy, is_root, problems)
    if policy.uid is not None and is_root:
        _become_user(policy)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(policy.workdir)
    return problems


def _enter_namespaces(policy: Policy, is_root: bool, problems: list[str]) -> None:
    """A new network namespace, and a mount namespace (as root; a user namespace makes them possible otherwise)."""
    flags = 0
    if policy.network:
        flags |= CLONE_NEWNET
    if policy.filesystem and is_root:
        flags |= CLONE_NEWNS
    if flags:
        try:
            _unshare(flags if is_root else flags | CLONE_NEWUSER)
        except OSError as error:
            problems.append(f"namespaces: {error}")


def _mount_view(policy: Policy) -> None:
    """What the kernel sees: hidden folders covered, private ones fresh, the course's own bound back."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    keep = os.open(policy.workdir, os.O_PATH)
    # The course itself (its virtualenv, qkvlab) may live under /tmp, e.g. in a CI checkout:
    # remember those folders before /tmp is replaced, and bind them back afterwards.
    under_private = _kept_under(policy.expose, policy.private)
    for path in policy.hide:  # first, so that the folders bound back below carry these covers
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    for path in policy.private:  # other users' files and other copies of the course
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1g,mode=1777")
    for path, fd in under_private:
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, 0x1000 | MS_REC, None)  # MS_BIND | MS_REC
        os.close(fd)
    _expose(policy.expose)
    os.makedirs(policy.workdir, exist_ok=True)  # the workdir itself, bound back if it was covered
    _mount(f"/proc/self/fd/{keep}", policy.workdir, None, 0x1000, None)  # MS_BIND
    os.close(keep)


def _set_limits(policy: Policy, is_root: bool, problems: list[str]) -> None:
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, policy.max_file_mb * 2**20)]
    if policy.memory_mb and not policy.cgroup:
        limits.append((resource.RLIMIT_AS, policy.memory_mb * 2**20))
    if policy.max_processes and policy.uid is not None and is_root:
        # RLIMIT_NPROC counts every process of the (real) user: only meaningful for a throwaway uid
        limits.append((resource.RLIMIT_NPROC, policy.max_processes))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError) as error:
            problems.append(f"rlimit {which}: {error}")


def _become_user(policy: Policy) -> None:
    """The throwaway uid, owning its workdir (and nothing else)."""
    for root, dirs, files in os.walk(policy.workdir):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            os.lchown(name, policy.uid, policy.uid)
    os.chmod(policy.workdir, 0o700)
    os.setgroups([])
    os.setgid(policy.uid)
    os.setuid(policy.uid)


#: Environment variable naming the exported learner kit that kernels see (set by :func:`use_learner_kit`;
#: inherited by the grader's worker processes, so set it before they start).
KIT_ENV = "QKV_LEARNER_KIT"


def use_learner_kit(folder: str | os.PathLike) -> str:
    """Export the learner kit into ``folder`` and make every kernel started from now on see it (and not this
    repository): :func:`needed_paths` binds it into the kernel's mount namespace and :func:`kernel_environment`
    puts it first on the kernel's ``PYTHONPATH``, ahead of the editable install's finder (which points at the
    repository, hidden in the sandbox). ``folder``'s parent must be enterable by the kernel's throwaway user."""
    from autograder.learner_kit import export

    export(folder)
    os.environ[KIT_ENV] = os.path.realpath(folder)
    return os.environ[KIT_ENV]


def needed_paths() -> list[str]:
    """What a kernel must be able to read: the interpreter, the virtualenv, the learner kit (qkvlab, data, assets).

    Not the repository: without a learner kit (:func:`use_learner_kit`), a kernel cannot import ``qkvlab``."""
    paths = {sys.base_prefix, sys.prefix, os.path.realpath(sys.executable)}
    if os.environ.get(KIT_ENV):
        paths.add(os.environ[KIT_ENV])
    return sorted(paths)


def kernel_environment(workdir: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A small, clean environment for the kernel (no grader secrets, HOME in the workdir)."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.setdefault("PATH", "/usr/bin:/bin")
    env.update(
        HOME=workdir,
        TMPDIR=os.path.join(workdir, "tmp"),
        MPLCONFIGDIR=os.path.join(workdir, ".matplotlib"),
        IPYTHONDIR=os.path.join(workdir, ".ipython"),
        XDG_CACHE_HOME=os.path.join(workdir, ".cache"),
        JUPYTER_RUNTIME_DIR=os.path.join(workdir, ".jupyter"),
        PYTHONDONTWRITEBYTECODE="1",
        MPLBACKEND="agg",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    if os.environ.get(KIT_ENV):  # the kit's qkvlab, not the repository's (PathFinder runs before editable finders)
        env["PYTHONPATH"] = os.environ[KIT_ENV]
    if extra:
        env.update(extra)
    return env


def join_cgroup(path: str) -> None:
    """Move this process (the kernel, before exec) into the memory cgroup made by autograder.engine.cgroups."""
    with open(os.path.join(path, "cgroup.procs"), "w", encoding="utf-8") as handle:
        handle.write(str(os.getpid()))


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: python -m autograder.sandbox POLICY_JSON -- COMMAND...")
    policy = Policy(**json.loads(argv[0]))
    command = argv[2:]
    problems = apply(policy)
    if problems:
        print("sandbox: " + "; ".join(problems), file=sys.stderr)
    env = dict(policy.env) if policy.env else dict(os.environ)
    for key in ("TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR", "XDG_CACHE_HOME", "JUPYTER_RUNTIME_DIR"):
        if key in env:
            os.makedirs(env[key], exist_ok=True)
    os.execve(command[0], command, env)


if __name__ == "__main__":
    main()
