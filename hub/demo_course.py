"""The demo course on JupyterHub: who is in it and where its files live.

Shared by jupyterhub_config.py, create_users.py and tests/test_hub.py (tests/test_gradebook_db.py takes its
free_port). The accounts come from course.json;
QKV_HUB_INSTRUCTOR and QKV_HUB_STUDENTS (comma-separated) override them (the test uses its own accounts),
QKV_HUB_STATE moves the state folder (default _build/hub in the repository):

    <state>/hub/        0700, root only: the hub's database, cookie secret, proxy pid file, the demo password
    <state>/exchange/   1777: nbgrader's filesystem exchange (nbgrader makes <exchange>/<course_id>/ itself)
    <state>/venv/       only when the repository's interpreter is private (see user_python)
"""

from __future__ import annotations

import json
import os
import pwd
import random
import socket
import stat
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV_BIN = REPO / ".venv" / "bin"
PROXY = REPO / ".venv" / "share" / "qkv-hub" / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_DIR = "qkv-course"  # the instructor's nbgrader course directory, in their home
NOTEBOOKS_DIR = "qkv-notebooks"  # a copy of the student release (notebooks/), in every student's home


def free_port() -> int:
    """A free TCP port on 127.0.0.1 below the system's ephemeral range.

    A port found by binding to port 0 is an ephemeral one, and it is free again as soon as the probe closes. In the
    few seconds before the server binds it, any program that binds to port 0 may take it. Every Jupyter kernel on
    TCP takes five that way, and a hub test once failed on a kernel's ZeroMQ greeting. Servers started here take
    their ports from below that range.
    """
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for _ in range(100):
        port = random.randrange(10000, max(10001, low))
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    with socket.socket() as probe:  # a crowded machine: an ephemeral port after all
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Course:
    course_id: str
    instructor: str
    students: tuple[str, ...]
    state: Path

    @property
    def users(self) -> tuple[str, ...]:
        return (self.instructor, *self.students)

    @property
    def private(self) -> Path:
        return self.state / "hub"

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"


def load() -> Course:
    return load_from(os.environ)


def load_from(env) -> Course:
    """The course of course.json with the overrides found in the mapping ``env``."""
    spec = json.loads((HERE / "course.json").read_text(encoding="utf-8"))
    students = env.get("QKV_HUB_STUDENTS")
    return Course(
        course_id=spec["course_id"],
        instructor=env.get("QKV_HUB_INSTRUCTOR") or spec["instructor"],
        students=tuple(s.strip() for s in students.split(",") if s.strip()) if students else tuple(spec["students"]),
        state=Path(env.get("QKV_HUB_STATE") or REPO / "_build" / "hub").resolve(),
    )


def reachable_by_others(path: Path) -> bool:
    """Whether any user may execute ``path``: it and every folder above it have the x bit for others."""
    path = path.resolve()
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))


def user_python(course: Course) -> Path:
    """The interpreter the users' servers run: the repository's virtual environment's, if others may run it.

    A venv made from a private interpreter (pyenv under /root, 0700) cannot be run by the course's users.
    Then the hub makes <state>/venv: a world-readable CPython of the same version (Debian's /usr/bin/python3.11)
    that loads the repository's site-packages (same ABI), so every user runs the same pinned packages.
    """
    own = VENV_BIN / "python"
    if reachable_by_others(own):
        return own
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = next((Path(p) for p in (f"/usr/bin/{version}", f"/usr/local/bin/{version}")
                 if Path(p).exists() and reachable_by_others(Path(p))), None)
    if base is None:
        raise RuntimeError(f"{own} resolves to {own.resolve()}, which other users cannot run, and there is no "
                           f"/usr/bin/{version}: install Debian's {version} or make the venv from a public Python")
    venv = course.state / "venv"
    if (venv / "bin" / "alembic").exists():  # made before: never touch it under running servers
        return venv / "bin" / "python"
    site = venv / "lib" / version / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    (venv / "bin").mkdir(exist_ok=True)
    (venv / "pyvenv.cfg").write_text(f"home = {base.parent}\ninclude-system-site-packages = false\n")
    for name in ("python", "python3", version):
        link = venv / "bin" / name
        link.unlink(missing_ok=True)
        link.symlink_to(base)
    repo_site = sysconfig.get_paths(vars={"base": str(REPO / ".venv"), "platbase": str(REPO / ".venv")})["purelib"]
    (site / "qkv-repo.pth").write_text(f"import site; site.addsitedir({repo_site!r})\n")
    # Commands users type in a terminal and nbgrader runs (alembic, for the gradebook): the repository's own
    # scripts start with the private interpreter. alembic comes last: its presence marks a finished bridge.
    for command, module in (("jupyter", "jupyter"), ("nbgrader", "nbgrader"), ("pip", "pip"),
                            ("alembic", "alembic")):
        script = venv / "bin" / command
        script.write_text(f'#!/bin/sh\nexec {venv / "bin" / "python"} -m {module} "$@"\n')
        script.chmod(0o755)
    for p in (course.state, venv, *venv.rglob("*")):
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | stat.S_IROTH | (stat.S_IXOTH if p.is_dir() else 0))
    return venv / "bin" / "python"


def environment(course: Course, user: str, python: Path) -> dict[str, str]:
    """What a user's server (and every nbgrader command they run) needs besides HOME and USER."""
    venv = REPO / ".venv"
    # The repository venv's Jupyter folders enable JupyterLab and nbgrader's server and Lab extensions (named
    # explicitly because the servers may run the bridge interpreter of user_python).
    config_path = [str(HERE / "jupyter"), str(venv / "etc" / "jupyter")]
    env = {
        "PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_PATH": str(venv / "share" / "jupyter"),
        "QKV_EXCHANGE": str(course.exchange),
        "QKV_COURSE_ID": course.course_id,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    if user == course.instructor:
        env["QKV_COURSE_DIR"] = str(Path(os.path.expanduser(f"~{user}")) / COURSE_DIR)
    else:
        config_path.insert(0, str(HERE / "jupyter-student"))  # no formgrader, no assignment creation
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
    return env


def make_state(course: Course) -> None:
    """Create the state folders with their permissions (idempotent)."""
    course.private.mkdir(parents=True, exist_ok=True)
    os.chmod(course.private, 0o700)
    course.exchange.mkdir(parents=True, exist_ok=True)
    # Everyone may create the course folder; nbgrader wants exactly rwx for all (it checks mode & 0o777),
    # the sticky bit stops one user from deleting another's folder.
    os.chmod(course.exchange, 0o1777)


#: Folders of the repository that hold answers or instructor-only code (the learner kit leaves them all out).
INSTRUCTOR_ONLY = ("solutions", "autograder", "instructor", "tests", "scripts", ".git")


def close_instructor_folders(course: Course) -> list[str]:
    """Make the instructor-only folders readable by root and the instructor only (0750, the instructor's group).

    The students' servers run from this checkout's environment, so without this a student could read the
    solutions, the bank or the history from a terminal. The previous owner group and mode are kept in
    <state>/hub/instructor-only.json and put back by :func:`reopen_instructor_folders`.
    """
    saved = course.private / "instructor-only.json"
    before = json.loads(saved.read_text()) if saved.exists() else {}
    gid = pwd.getpwnam(course.instructor).pw_gid
    closed = []
    for name in INSTRUCTOR_ONLY:
        path = REPO / name
        if not path.is_dir():
            continue
        info = path.stat()
        before.setdefault(name, [info.st_gid, stat.S_IMODE(info.st_mode)])
        os.chown(path, -1, gid)
        os.chmod(path, 0o750)
        closed.append(name)
    saved.write_text(json.dumps(before))
    saved.chmod(0o600)
    return closed


def reopen_instructor_folders(course: Course) -> None:
    """Put back the owner group and mode the instructor-only folders had before the demo hub."""
    saved = course.private / "instructor-only.json"
    if not saved.exists():
        return
    for name, (gid, mode) in json.loads(saved.read_text()).items():
        path = REPO / name
        if path.is_dir():
            os.chown(path, -1, gid)
            os.chmod(path, mode)
    saved.unlink()

