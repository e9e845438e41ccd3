"""Grade a whole class: ``python -m autograder grade ASSIGNMENT SUBMISSIONS [options]``.

nbgrader does the grading (locked cells restored from the source, hidden tests,
gradebook, feedback).  This module wraps it so that one call grades a class:

* every submission is graded by nbgrader's own ``Autograde`` and
  ``GenerateFeedback`` converters, in-process in a pool of worker processes
  (no 4.5 s start-up per student), each against a private copy of the gradebook;
  the main process then merges the grades into one gradebook that the
  formgrader can open;
* the student's kernel runs in a sandbox (:mod:`autograder.sandbox`): a wall
  clock for the whole notebook, memory, process and file-size limits, no
  network, a throwaway user that cannot read the solutions, the gradebook or
  other students' files, its own directory;
* the submission is normalised before nbgrader sees it: nbgrader metadata of
  known cells is reset from the source (flags, points, cell type), unknown or
  duplicated ids are dropped, deleted test cells are put back;
* a kernel that dies or runs out of time keeps the points of the test cells
  that finished and gets 0 for the others (nbgrader alone would fail and keep
  the previous grade);
* just before each test cell, the grader silently restores the test helpers
  (``qkvlab.checks``, ``numpy.testing``, ``torch.testing``, IPython's error
  handling) and the names the tests import; just after, it checks that the cell
  did not tamper with them; a tampered test cell scores 0;
* feedback pages show no hidden test code (not even in tracebacks), cannot run
  scripts (Content-Security-Policy) and drop HTML/JS outputs.

Outputs in ``--out`` (default ``autograder/runs/<assignment>``): ``grades.csv``,
``feedback/<student>.html``, ``scores.png`` and ``nbgrader/`` (a course
directory with ``gradebook.db`` for the formgrader).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import copy
import csv
import hashlib
import html
import json
import logging
import multiprocessing
import os
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.course import write_config

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "autograder" / "runs"
MAX_NOTEBOOK_MB = 100
MAX_OUTPUT_BYTES = 4 * 2**20  # per notebook, what the grader keeps of a kernel's outputs
STATUS_TEXT = {
    "ok": "graded",
    "timeout": "timeout",
    "memory": "memory limit",
    "died": "kernel died",
    "invalid": "invalid notebook",
    "missing": "no notebook found",
    "wrong": "wrong assignment",
    "tampered": "tampering detected",
    "error": "grader error",
}
HIDDEN_BEGIN = "BEGIN HIDDEN TESTS"


# --------------------------------------------------------------------------- submissions


@dataclass
class Task:
    """One row of the class: a student and what they handed in."""

    index: int
    student: str
    sid: str
    path: str | None = None
    status: str = ""  # pre-set when nothing can be graded
    message: str = ""


@dataclass
class Result:
    student: str
    sid: str
    status: str
    message: str
    cells: dict = field(default_factory=dict)  # grade_id -> [auto_score | None, max_score]
    comments: dict = field(default_factory=dict)  # grade_id -> auto_comment
    course_dir: str | None = None  # the worker's private course directory
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)  # seconds spent in each step (for make bench)


def student_id(name: str) -> str:
    """A safe nbgrader id for any Unicode name: an ASCII slug plus a hash (unique, stable)."""
    slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", slug).strip("_")[:24] or "student"
    return f"{slug}_{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in {"__MACOSX", "Thumbs.db", "desktop.ini"}


def extract_zip(path: Path, dest: Path, limit_mb: int = 4096) -> Path:
    """Safely extract a class zip (no absolute paths, no '..', a size cap); return the folder of students."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if not info.flag_bits & 0x800:  # legacy cp437 names: most zippers really wrote UTF-8
                try:
                    name = name.encode("cp437").decode("utf-8")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
            if not parts or ".." in parts or info.is_dir():
                continue
            total += info.file_size
            if total > limit_mb * 2**20:
                raise ValueError(f"{path} holds more than {limit_mb} MB uncompressed; refusing to extract it")
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            if name.endswith("/"):
                continue
        for info in archive.infolist():  # empty student folders are rows too
            parts = [p for p in info.filename.split("/") if p]
            if info.is_dir() and parts and ".." not in parts:
                dest.joinpath(*parts).mkdir(parents=True, exist_ok=True)
    entries = [p for p in dest.iterdir() if not _ignored(p.name)]
    if len(entries) == 1 and entries[0].is_dir():
        inner = [p for p in entries[0].iterdir() if not _ignored(p.name)]
        if entries[0].name == path.stem or len(inner) > 1 or any(p.is_dir() for p in inner):
            return entries[0]  # the zip wraps the class in one folder (a lone student's folder holds one file)
    return dest


def discover(folder: Path, notebook: str) -> list[Task]:
    """One task per student: ``<student>/<any>.ipynb`` or ``<student>.ipynb``."""
    found: dict[str, Task] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name)):
        if _ignored(entry.name):
            continue
        if entry.is_dir():
            student = entry.name
            candidates = sorted(
                p for p in entry.rglob("*.ipynb")
                if not any(_ignored(part) for part in p.relative_to(entry).parts)
            )
            task = Task(0, student, student_id(student))
            if not candidates:
                task.status, task.message = "missing", "no .ipynb file in the folder"
            else:
                exact = [p for p in candidates if p.stem == notebook]
                chosen = exact[0] if exact else max(candidates, key=lambda p: (p.stat().st_size, p.name))
                task.path = str(chosen)
                if len(candidates) > 1:
                    task.message = f"{len(candidates)} notebooks found; graded {chosen.relative_to(entry)}"
        elif entry.suffix == ".ipynb":
            student = entry.stem
            task = Task(0, student, student_id(student), path=str(entry))
        else:
            continue
        if student in found:
            found[student].message = (found[student].message + f"; also found {entry.name}, ignored").lstrip("; ")
            continue
        found[student] = task
    tasks = sorted(found.values(), key=lambda t: t.student)
    for i, task in enumerate(tasks):
        task.index = i
    return tasks


# --------------------------------------------------------------------------- course directories


def make_master_course(root: Path, assignment: str, solutions: Path) -> Path:
    """The course directory kept in the output: source, release and the gradebook nbgrader generates."""
    from autograder import course

    course.make_course(root, assignment, solutions)
    try:  # in-process: saves the ~4 s start-up of the nbgrader command
        import nbgrader.api
        from nbgrader.converters import GenerateAssignment

        nbgrader.api.get_alembic_version = _alembic_head  # nbgrader runs the `alembic` command: ~5 s
        from nbgrader.coursedir import CourseDirectory

        config = load_config(root)
        config.CourseDirectory.root = str(root)
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        log = logging.getLogger("grade.generate")
        log.handlers[:] = [logging.FileHandler(root / "generate_assignment.log", encoding="utf-8")]
        log.propagate = False
        app = GenerateAssignment(coursedir=coursedir, config=config)
        app.log = log
        app.force = True
        app.start()
    except Exception:  # noqa: BLE001 - fall back to the command, which reports its own errors
        course.nbgrader(root, "generate_assignment", assignment, "--force")
    return root


def _alembic_head() -> str:
    """The gradebook schema version a new gradebook gets, read in-process (nbgrader shells out for it)."""
    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    return ScriptDirectory.from_config(config).get_current_head()


def load_config(root: Path):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


# --------------------------------------------------------------------------- normalising a submission


def source_layout(release_nb) -> list[tuple[str, dict, str, str]]:
    """(grade_id, nbgrader metadata, cell_type, release source) for every nbgrader cell, in order."""
    layout = []
    for cell in release_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id"):
            layout.append((meta["grade_id"], copy.deepcopy(dict(meta)), cell.cell_type, cell.source))
    return layout


def normalize(nb, release_nb) -> list[str]:
    """Make a submission's nbgrader structure match the release, in place. Returns notes for the message.

    * cells with a known grade_id get the release's nbgrader metadata and cell type back (a learner may
      have edited flags or points, or turned a test cell into markdown);
    * unknown or repeated grade_ids lose their nbgrader metadata (the last copy of a repeated id is
      kept, as nbgrader does);
    * test and written-answer cells that are missing are put back after the cell that precedes them
      in the release (nbgrader then restores their source, hidden tests included);
    * every cell gets a fresh, unique id.
    """
    import nbformat

    notes = []
    layout = source_layout(release_nb)
    known = {gid: (meta, ctype, src) for gid, meta, ctype, src in layout}
    last_index: dict[str, int] = {}
    for i, cell in enumerate(nb.cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in known:
            last_index[gid] = i
    for i, cell in enumerate(nb.cells):
        cell.setdefault("metadata", {})
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if gid not in known or last_index.get(gid) != i:
            del cell.metadata["nbgrader"]
            if gid in known:
                notes.append(f"repeated cell {gid} ignored")
            continue
        src_meta, ctype, _ = known[gid]
        cell.metadata["nbgrader"] = nbformat.from_dict(copy.deepcopy(src_meta))
        if cell.cell_type != ctype:
            notes.append(f"cell {gid} turned back into {ctype}")
            cell.cell_type = ctype
            if ctype == "code":
                cell["outputs"], cell["execution_count"] = [], None
            else:
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        if src_meta.get("locked") or (src_meta.get("grade") and not src_meta.get("solution")):
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
    present = set(last_index)
    position = {gid: i for gid, i in last_index.items()}
    previous: str | None = None
    inserted = 0
    for gid, meta, ctype, src in layout:
        if gid not in present and meta.get("grade"):
            cell = (nbformat.v4.new_code_cell(src) if ctype == "code" else nbformat.v4.new_markdown_cell(src))
            cell.metadata["nbgrader"] = nbformat.from_dict(copy.deepcopy(meta))
            at = (position[previous] + 1) if previous in position else len(nb.cells)
            nb.cells.insert(at, cell)
            for key, value in position.items():
                if value >= at:
                    position[key] = value + 1
            position[gid] = at
            inserted += 1
            notes.append(f"missing cell {gid} put back")
        if gid in position:
            previous = gid
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return notes


# --------------------------------------------------------------------------- nbgrader preprocessors


def _nbgrader_preprocessors():
    """Define the preprocessor classes lazily (nbgrader is slow to import)."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.notebooknode import NotebookNode
    from nbgrader import utils
    from nbgrader.preprocessors import Execute, NbGraderPreprocessor

    from autograder import sandbox

    class SandboxKernelManager(AsyncKernelManager):
        """Launch the kernel through autograder/sandbox.py, talking over Unix sockets."""

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            policy = WORKER["policy"]
            kw["env"] = sandbox.kernel_environment(policy.workdir)
            kw.pop("cwd", None)
            cmd = [sys.executable, sandbox.__file__, policy.to_json(), "--", *kernel_cmd]
            return await super()._async_launch_kernel(cmd, **kw)

    class SandboxExecute(Execute):
        """nbgrader's Execute in a sandbox, with a wall clock for the whole notebook and guards."""

        def create_kernel_manager(self):
            workdir = WORKER["policy"].workdir
            self.km = SandboxKernelManager(kernel_name="python3", config=self.config)
            self.km.transport = "ipc"
            self.km.ip = os.path.join(workdir, "ipc")
            self.km.connection_file = os.path.join(workdir, "kernel.json")
            return self.km

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
            self._bytes = getattr(self, "_bytes", 0) + size
            if self._bytes > MAX_OUTPUT_BYTES:
                if not getattr(self, "_truncated", False):
                    self._truncated = True
                    outs.append(NotebookNode(output_type="stream", name="stdout",
                                             text="\n... output truncated by the grader ...\n"))
                return None
            return super().output(outs, msg, display_id, cell_index)

        def _silent(self, code: str, expression: str | None = None, timeout: float = 30):
            """Run grader code in the kernel outside the notebook; return the expression's text value."""
            expressions = {"r": expression} if expression else {}
            msg_id = self.kc.execute(code, silent=True, store_history=False, user_expressions=expressions)
            saved, self.timeout = self.timeout, max(1, int(timeout))
            try:
                reply = self.wait_for_reply(msg_id)
            finally:
                self.timeout = saved
            if reply is None or reply["content"].get("status") != "ok":
                return None
            value = reply["content"].get("user_expressions", {}).get("r", {})
            return value.get("data", {}).get("text/plain") if value.get("status") == "ok" else None

        def preprocess(self, nb, resources=None, km=None):
            from nbclient.client import NotebookClient

            ctx = WORKER["submission"]
            NotebookClient.__init__(self, nb, km)
            self.reset_execution_trackers()
            self._check_assign_resources(resources)
            self.shutdown_kernel = "immediate"
            self.error_on_timeout = {}
            self.interrupt_on_timeout = False
            self.raise_on_iopub_timeout = False
            self._bytes, self._truncated = 0, False
            deadline = ctx["deadline"]
            done, tampered = set(), []
            status, reason = "ok", ""
            guard = WORKER["guard"]
            try:
                t_kernel = time.monotonic()
                with self.setup_kernel():
                    self.wait_for_reply(self.kc.kernel_info())
                    ctx["phases"]["kernel_start"] = time.monotonic() - t_kernel
                    if guard["install"]:
                        self._silent(guard["install"])
                    for index, cell in enumerate(self.nb.cells):
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            raise CellTimeoutError("the notebook ran out of time")
                        self.timeout = max(1, int(remaining + 0.999))
                        is_test = cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)
                        if WORKER["skip_demo"] and cell.cell_type == "code" and "nbgrader" not in cell.metadata \
                                and "demo" in cell.metadata.get("tags", []):
                            done.add(index)  # a demo cell (training run, plot) that no test may depend on
                            continue
                        if is_test and guard["install"]:
                            self._silent(guard["restore"], timeout=max(1, remaining))
                        self.preprocess_cell(cell, resources, index)
                        if is_test and guard["install"]:
                            verdict = self._silent("pass", "_qkv_guard_check()", timeout=max(1, remaining))
                            if verdict != "''":
                                tampered.append(cell.metadata.nbgrader["grade_id"])
                                cell.outputs.append(NotebookNode(
                                    output_type="error", ename="TamperingDetected",
                                    evalue=f"the test helpers were modified while this test ran {verdict or ''}",
                                    traceback=["TamperingDetected: the test helpers or error handling were "
                                               f"modified while this test ran {verdict or ''}"]))
                        if cell.cell_type == "code":
                            done.add(index)
            except (CellTimeoutError, TimeoutError) as error:
                status, reason = "timeout", str(error).splitlines()[0] if str(error) else "timeout"
            except DeadKernelError:
                status, reason = ("timeout", "") if time.monotonic() >= deadline else ("died", "")
            except Exception as error:  # noqa: BLE001 - a broken kernel must not stop the batch
                status, reason = "died", f"{type(error).__name__}: {error}"
            finally:
                if WORKER["policy"].uid is None:  # no throwaway user: kill the kernel's process group
                    pgid = getattr(getattr(self.km, "provisioner", None), "pgid", None)
                    for _ in range(10 if pgid else 0):
                        try:
                            os.killpg(pgid, signal.SIGKILL)
                        except OSError:
                            break
                        time.sleep(0.05)
                sandbox.kill_uid(WORKER["policy"].uid)
                ctx["phases"]["execute"] = time.monotonic() - t_kernel
            not_run = STATUS_TEXT[status] if status != "ok" else "not run"
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type == "code" and index not in done:
                    cell.outputs = list(cell.get("outputs", [])) + [NotebookNode(
                        output_type="error", ename="NotRun",
                        evalue=f"this cell did not finish ({not_run})",
                        traceback=[f"NotRun: this cell did not finish ({not_run})"])]
            for cell in self.nb.cells:
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error" and (
                        out.get("ename") == "MemoryError" or "can't allocate memory" in str(out.get("evalue", ""))
                    ) and status == "ok":
                        status, reason = "memory", f"a cell ran out of memory (limit {WORKER['memory']} MB)"
            if status == "timeout":
                reason = f"the notebook did not finish within {WORKER['timeout']:g} s; unfinished cells score 0"
            elif status == "died" and not reason:
                reason = "the kernel died (a crash, os._exit or a signal); unfinished cells score 0"
            ctx.update(status=status, reason=reason, tampered=tampered, truncated=self._truncated)
            self.set_widgets_metadata()
            return self.nb, self.resources

    class NormalizeSubmission(NbGraderPreprocessor):
        """Reset the nbgrader structure of a submission from the release (see :func:`normalize`)."""

        def preprocess(self, nb, resources):
            WORKER["submission"]["notes"] += normalize(nb, WORKER["release_nb"])
            return nb, resources

    class HideHiddenTests(NbGraderPreprocessor):
        """Feedback: hidden test cells show neither their code nor their lines in tracebacks."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type != "code" or HIDDEN_BEGIN not in cell.source:
                return cell, resources
            secret = {line.strip() for line in cell.source.splitlines() if len(line.strip()) > 3}
            points = cell.metadata.get("nbgrader", {}).get("points", "")
            cell.source = (f"# Hidden tests ({points} points): they ran when your notebook was graded;"
                           " their code is not shown.")
            kept = []
            for out in cell.outputs:
                if out.output_type != "error":
                    continue
                plain = [re.sub(r"\x1b\[[0-9;]*m", "", entry) for entry in out.traceback]
                out.traceback = [entry for entry, text in zip(out.traceback, plain, strict=True)
                                 if not any(line in text for line in secret)] or [f"{out.ename}: {out.evalue}"]
                if not out.traceback[-1].endswith(str(out.evalue)):
                    out.traceback.append(f"{out.ename}: {out.evalue}")
                kept.append(out)
            cell.outputs = kept
            return cell, resources

    class SafeOutputs(NbGraderPreprocessor):
        """Feedback: keep only inert outputs (text, PNG, JPEG); defuse HTML in markdown cells."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code":
                for out in cell.outputs:
                    if "data" in out:
                        data = out["data"]
                        dropped = [k for k in data if k not in ("text/plain", "image/png", "image/jpeg")]
                        for key in dropped:
                            del data[key]
                        if dropped and "text/plain" not in data and not data:
                            data["text/plain"] = f"[output of type {', '.join(dropped)} removed from feedback]"
            else:
                cell.source = re.sub(
                    r"<(/?)(script|iframe|object|embed|meta|link|base|form|style|svg|math)\b",
                    r"&lt;\1\2", cell.source, flags=re.IGNORECASE)
                cell.source = re.sub(r"(java|vb)script\s*:", r"\1script-blocked-", cell.source, flags=re.IGNORECASE)
                cell.source = re.sub(r"<[^>]*>", lambda tag: re.sub(r"\bon([a-z]+)\s*=", r"data-blocked-\1=",
                                                                    tag.group(0), flags=re.IGNORECASE), cell.source)
                cell.pop("attachments", None)
            return cell, resources

    from nbconvert.writers import FilesWriter
    from nbgrader.converters import GenerateFeedback

    class CachedFeedback(GenerateFeedback):
        """nbgrader's GenerateFeedback with one HTML exporter per worker (building one takes seconds)."""

        def start(self):
            self.init_notebooks()
            self.writer = FilesWriter(parent=self, config=self.config)
            exporter = WORKER.get("feedback_exporter")
            if exporter is None:
                exporter = self.exporter_class(parent=self, config=self.config)
                for pp in self.preprocessors:
                    exporter.register_preprocessor(pp)
                WORKER["feedback_exporter"] = exporter
            self.exporter = exporter
            here = os.getcwd()
            os.chdir(self.coursedir.root)
            try:
                self.convert_notebooks()
            finally:
                os.chdir(here)

    return SandboxExecute, NormalizeSubmission, HideHiddenTests, SafeOutputs, CachedFeedback


# --------------------------------------------------------------------------- the guard (monkeypatching)

GUARD_INSTALL = r'''
def _qkv_guard_install():
    import builtins, sys, types, importlib
    import numpy, numpy.testing
    import qkvlab.checks
    shell = get_ipython()
    names = ["builtins", "numpy", "numpy.testing", "qkvlab", "qkvlab.checks"]
    snap, codes = {}, {}

    def take(name):
        module = sys.modules.get(name)
        if module is None or name in snap:
            return
        skip = {"input", "get_ipython", "display", "exit", "quit", "help", "copyright", "credits", "license"}
        snap[name] = (module, {k: v for k, v in vars(module).items() if not k.startswith("_") and k not in skip})
        for key, value in vars(module).items():
            if isinstance(value, types.FunctionType):
                codes[(name, key)] = (value, value.__code__, value.__defaults__, value.__kwdefaults__)

    for name in names:
        take(name)
    shell_state = (shell.custom_exceptions, shell.CustomTB, list(shell.input_transformers_post),
                   list(shell.ast_transformers), sys.excepthook, type(shell).run_cell, type(shell).showtraceback)

    def changed():
        bad = []
        for name, (module, saved) in snap.items():
            if sys.modules.get(name) is not module:
                bad.append(name)
                continue
            now = vars(module)
            bad += [f"{name}.{k}" for k, v in saved.items() if now.get(k, bad) is not v]
        bad += [f"{f.__module__}.{f.__name__}.__code__" for f, c, d, k in codes.values()
                if f.__code__ is not c or f.__defaults__ is not d or f.__kwdefaults__ is not k]
        if shell.custom_exceptions != shell_state[0] or "showtraceback" in vars(shell) or "run_cell" in vars(shell):
            bad.append("IPython error handling")
        if list(shell.input_transformers_post) != shell_state[2] or list(shell.ast_transformers) != shell_state[3]:
            bad.append("IPython input transformers")
        return ", ".join(sorted(set(bad))[:5])

    def restore():
        for name, (module, saved) in snap.items():
            sys.modules[name] = module
            vars(module).update(saved)
        for f, c, d, k in codes.values():
            f.__code__, f.__defaults__, f.__kwdefaults__ = c, d, k
        shell.custom_exceptions, shell.CustomTB = shell_state[0], shell_state[1]
        shell.input_transformers_post[:] = shell_state[2]
        shell.ast_transformers[:] = shell_state[3]
        sys.excepthook = shell_state[4]
        for attr in ("run_cell", "showtraceback", "run_cell_async", "run_ast_nodes", "run_code"):
            vars(shell).pop(attr, None)
        if "torch" in sys.modules and "torch.testing" not in snap:
            try:
                import torch.testing._comparison as comparison
                importlib.reload(comparison)
                sys.modules["torch.testing"].assert_close = comparison.assert_close
            except Exception:
                pass
            take("torch.testing")

    builtins._qkv_guard_check = changed
    builtins._qkv_guard_restore = restore

_qkv_guard_install()
del _qkv_guard_install
'''


def guard_code(release_nb) -> dict[str, str]:
    """The restore snippet: restore helpers, then re-run the import lines of the release's own cells."""
    import ast

    imports = []
    for cell in release_nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            continue  # the learner's cells are not trusted
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not (
                isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
            ):
                line = ast.unparse(node)
                if line not in imports:
                    imports.append(line)
    restore = "_qkv_guard_restore()\n" + "\n".join(f"try:\n    {line}\nexcept Exception:\n    pass"
                                                   for line in imports)
    return {"install": GUARD_INSTALL, "restore": restore}


# --------------------------------------------------------------------------- the worker

WORKER: dict = {}


def _init_worker() -> None:
    """Import the heavy modules once per worker (runs while the main process prepares the course)."""
    logging.disable(logging.WARNING)
    WORKER["classes"] = _nbgrader_preprocessors()
    import nbconvert.exporters  # noqa: F401
    import nbgrader.converters  # noqa: F401


def _warm_up() -> int:
    return os.getpid()


def _set_context(ctx: dict) -> None:
    import nbformat

    if WORKER.get("ctx_id") == ctx["id"]:
        return
    WORKER.update(ctx)
    WORKER["ctx_id"] = ctx["id"]
    WORKER["release_nb"] = nbformat.read(ctx["release_path"], as_version=4)
    WORKER["guard"] = guard_code(WORKER["release_nb"]) if ctx["guard"] else {"install": "", "restore": ""}


def grade_one(task: Task, ctx: dict) -> Result:
    """Grade one submission in a private course directory (runs in a worker process)."""
    start = WORKER["t_start"] = time.monotonic()
    try:
        _set_context(ctx)
        result = _grade_one(task)
    except Exception as error:  # noqa: BLE001 - every submission gets a row
        result = Result(task.student, task.sid, "error", f"{type(error).__name__}: {error}")
        result.message += " | " + traceback.format_exc(limit=3).replace("\n", " ")[-300:]
    result.seconds = time.monotonic() - start
    return result


def _grade_one(task: Task) -> Result:
    import nbformat
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.apps import NbGraderAPI  # noqa: F401 - initialises nbgrader's app machinery
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    from autograder import sandbox

    SandboxExecute, NormalizeSubmission, HideHiddenTests, SafeOutputs, CachedFeedback = WORKER["classes"]
    assignment, nb_name = WORKER["assignment"], WORKER["notebook"]
    result = Result(task.student, task.sid, task.status or "ok", task.message)
    if task.status:
        return result
    # 1. read and check the file
    path = Path(task.path)
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_MB * 2**20:
        result.status, result.message = "invalid", f"the notebook is {size / 2**20:.0f} MB (limit {MAX_NOTEBOOK_MB} MB)"
        return result
    try:
        raw = path.read_bytes().decode("utf-8-sig")
        nb = nbformat.reads(raw, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no cells")
    except Exception as error:  # noqa: BLE001
        result.status = "invalid"
        result.message = f"not a readable notebook ({type(error).__name__}: {str(error)[:120]})"
        return result
    answers = {gid for gid, meta, ctype, _ in source_layout(WORKER["release_nb"])
               if meta.get("solution") and ctype == "code"}  # the functions/classes the learner writes
    ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
    if ids and answers and not ids & answers:
        result.status = "wrong"
        result.message = f"none of its graded cells belong to {assignment} (found e.g. {sorted(ids)[0]})"
        return result
    # 2. a private course directory: the master gradebook copied, the submission in submitted/
    course = Path(WORKER["work"]) / task.sid
    if course.exists():
        shutil.rmtree(course)
    (course / "source").mkdir(parents=True)
    (course / "source" / assignment).symlink_to(Path(WORKER["master"]) / "source" / assignment)
    shutil.copy(WORKER["pristine_db"], course / "gradebook.db")
    write_config(course)
    submitted = course / "submitted" / task.sid / assignment
    submitted.mkdir(parents=True)
    nbformat.write(nb, submitted / f"{nb_name}.ipynb")
    # 3. the sandbox for this submission
    kernel_dir = Path(WORKER["kernels"]) / task.sid
    if kernel_dir.exists():
        shutil.rmtree(kernel_dir)
    kernel_dir.mkdir()
    mpl = Path(WORKER["kernels"]) / ".matplotlib-cache"
    if mpl.is_dir():
        shutil.copytree(mpl, kernel_dir / ".matplotlib")
    uid = WORKER["base_uid"] + task.index if WORKER["features"].get("user") == "" else None
    WORKER["policy"] = sandbox.Policy(
        workdir=str(kernel_dir), uid=uid, memory_mb=WORKER["memory"],
        hide=WORKER["hide"], expose=sandbox.needed_paths(),
        network=WORKER["features"].get("network") == "",
        filesystem=WORKER["features"].get("filesystem") == "",
    )
    WORKER["submission"] = {"deadline": time.monotonic() + WORKER["timeout"], "notes": [], "status": "ok",
                            "reason": "", "tampered": [], "truncated": False}
    # 4. nbgrader's autograde, in-process, with our sanitising and sandboxed execution
    config = load_config(course)
    config.CourseDirectory.root = str(course)
    config.Autograde.sanitize_preprocessors = [
        ClearOutput, NormalizeSubmission, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
    config.Autograde.autograde_preprocessors = [
        SandboxExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
        SafeOutputs,  # the formgrader shows this notebook to the instructor: no learner HTML/JS in it
        AssignLatePenalties, CheckCellMetadata]
    config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, SafeOutputs, CSSHTMLHeaderPreprocessor]
    config.Execute.timeout = WORKER["timeout"]
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = assignment, task.sid
    log = logging.getLogger(f"grade.{task.sid}")
    log.handlers[:] = [logging.FileHandler(course / "nbgrader.log", encoding="utf-8")]
    log.propagate = False
    phases = WORKER["submission"]["phases"] = {"prepare": time.monotonic() - WORKER["t_start"]}
    try:
        for converter in (Autograde, CachedFeedback):
            t = time.monotonic()
            app = converter(coursedir=coursedir, config=config)
            app.log = log
            app.force = True
            app.start()
            phases[converter.__name__] = time.monotonic() - t
    except Exception as error:  # noqa: BLE001
        result.status = "error"
        result.message = f"nbgrader failed: {str(error)[:200]} (log: {course / 'nbgrader.log'})"
    finally:
        sandbox.kill_uid(uid)
        shutil.rmtree(kernel_dir, ignore_errors=True)
    info = WORKER["submission"]
    if result.status == "ok":
        result.status = "tampered" if info["tampered"] and info["status"] == "ok" else info["status"]
        notes = []
        if info["reason"] and info["status"] != "ok":
            notes.append(info["reason"])
        if info["tampered"]:
            notes.append("test helpers modified during " + ", ".join(info["tampered"]) + " (scored 0)")
        if info["truncated"]:
            notes.append("output truncated")
        notes += info["notes"]
        result.message = "; ".join(n for n in [task.message, *notes] if n)
    # 5. read this student's grades back from the private gradebook
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(course / "gradebook.db")) as gb:
        try:
            sub = gb.find_submission_notebook(nb_name, assignment, task.sid)
            for grade in sub.grades:
                result.cells[grade.cell.name] = [grade.auto_score, float(grade.max_score)]
            for comment in sub.comments:
                result.comments[comment.cell.name] = comment.auto_comment
        except Exception:  # noqa: BLE001 - nbgrader failed before creating the submission
            result.cells = {}
    result.course_dir = str(course)
    result.phases = {k: round(v, 2) for k, v in info.get("phases", {}).items()}
    return result


# --------------------------------------------------------------------------- merging and reporting


def merge(master: Path, assignment: str, nb_name: str, result: Result, max_scores: dict) -> None:
    """Write one student's grades into the master gradebook and files (main process only)."""
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(master / "gradebook.db")) as gb:
        gb.update_or_create_student(result.sid, first_name=result.student, last_name="")
        gb.update_or_create_submission(assignment, result.sid)
        sub = gb.find_submission_notebook(nb_name, assignment, result.sid)
        for grade in sub.grades:
            auto = result.cells.get(grade.cell.name, [0.0])[0] if result.cells else 0.0
            grade.auto_score = auto
            grade.needs_manual_grade = auto is None or grade.manual_score is not None
        for comment in sub.comments:
            comment.auto_comment = result.comments.get(comment.cell.name)
        gb.db.commit()
    for folder in ("submitted", "autograded", "feedback"):
        target = master / folder / result.sid / assignment
        if target.exists():
            shutil.rmtree(target)
        if result.course_dir:
            source = Path(result.course_dir) / folder / result.sid / assignment
            if source.exists():
                shutil.copytree(source, target)


CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
       "base-uri 'none'; form-action 'none'; frame-src 'none'")


def finish_feedback(html_text: str) -> str:
    """No script runs in a feedback page: a strict CSP, and the template's scripts removed."""
    html_text = re.sub(r"<script\b[^>]*>.*?</script>", "", html_text, flags=re.DOTALL | re.IGNORECASE)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    return re.sub(r"<head[^>]*>", lambda m: m.group(0) + "\n" + meta, html_text, count=1, flags=re.IGNORECASE)


def failure_feedback(student: str, assignment: str, status: str, message: str) -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{meta}<title>{html.escape(assignment)}</title>"
            f"</head><body><h1>{html.escape(assignment)}: {html.escape(student)}</h1>"
            f"<p>Your submission could not be graded: <b>{html.escape(STATUS_TEXT.get(status, status))}</b>.</p>"
            f"<p>{html.escape(message)}</p><p>Score: 0.</p></body></html>")


def safe_filename(name: str) -> str:
    name = name.replace(os.sep, "_").replace("\0", "_")
    return "_" + name if name.startswith(".") else name


def histogram(path: Path, scores: list[float], max_score: float, assignment: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        from qkvlab.plots import use_course_style

        use_course_style()
    except Exception:  # noqa: BLE001 - the plain style is fine too
        pass
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    top = max(max_score, max(scores, default=0.0), 1.0)
    bins = min(20, max(5, int(top)))
    ax.hist(scores, bins=bins, range=(0, top), color="#0072B2", edgecolor="white")  # Okabe-Ito blue
    ax.set_xlabel(f"score (points out of {max_score:g})")
    ax.set_ylabel("number of students")
    ax.set_title(f"{assignment}: {len(scores)} submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_outputs(out: Path, assignment: str, rows: list[dict], columns: list[str]) -> None:
    header = ["student", "score", "max_score", "status", "message", *columns]
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def summary(rows: list[dict], max_score: float, limit: int = 60) -> str:
    lines = []
    width = min(32, max([len("student")] + [len(r["student"]) for r in rows]))
    lines.append(f"{'student':<{width}}  {'score':>7}  status")
    for row in rows[:limit]:
        name = row["student"] if len(row["student"]) <= width else row["student"][: width - 1] + "…"
        lines.append(f"{name:<{width}}  {row['score']:>7.2f}  {row['status']}")
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more (see grades.csv)")
    scores = [r["score"] for r in rows]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines.append("")
    lines.append("status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if scores:
        lines.append(f"score out of {max_score:g}: mean {statistics.mean(scores):.2f}, "
                     f"median {statistics.median(scores):.2f}, min {min(scores):.2f}, max {max(scores):.2f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the command


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m autograder grade",
        description="Grade every submission of ASSIGNMENT found in SUBMISSIONS, each in its own sandbox.",
    )
    parser.add_argument("assignment", help="assignment folder under solutions/, e.g. 03_attention")
    parser.add_argument("submissions", help="folder (or .zip) with <student>/<any>.ipynb or <student>.ipynb")
    parser.add_argument("--out", help="output folder (default: autograder/runs/<assignment>)")
    parser.add_argument("--jobs", type=int, default=max(1, min(os.cpu_count() or 1, 4)),
                        help="submissions graded at once (default: the number of cores, at most 4)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for a whole notebook (default 300)")
    parser.add_argument("--memory", type=int, default=4096, help="memory limit per notebook in MB (default 4096)")
    parser.add_argument("--solutions", default=str(REPO / "solutions"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-demo", action="store_true",
                        help="do not run cells tagged 'demo' (no test depends on them; faster)")
    parser.add_argument("--no-guard", action="store_true",
                        help="do not restore/check the test helpers around test cells")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def _warm_matplotlib_cache(kernels: Path) -> None:
    """Build matplotlib's font cache once; each sandbox gets a copy (saves ~1 s per kernel)."""
    import subprocess

    cache = kernels / ".matplotlib-cache"
    cache.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"],
                   env=dict(os.environ, MPLCONFIGDIR=str(cache)),
                   capture_output=True, timeout=120, check=False)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # nbgrader runs `alembic` (gradebook migrations), which lives beside this interpreter
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    solutions = Path(args.solutions).resolve()
    valid = sorted(p.name for p in solutions.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) \
        if solutions.is_dir() else []
    if args.assignment not in valid:
        print(f"error: unknown assignment {args.assignment!r}; valid assignments: {', '.join(valid) or '(none)'}",
              file=sys.stderr)
        return 2
    notebooks = sorted(p.stem for p in (solutions / args.assignment).glob("*.ipynb"))
    if len(notebooks) != 1:
        print(f"error: solutions/{args.assignment} must hold exactly one notebook, found {notebooks}", file=sys.stderr)
        return 2
    nb_name = notebooks[0]
    submissions = Path(args.submissions)
    if not submissions.exists():
        print(f"error: {submissions} does not exist", file=sys.stderr)
        return 2
    if args.jobs < 1 or args.timeout <= 0 or args.memory < 64:
        print("error: --jobs must be >= 1, --timeout > 0 and --memory >= 64", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else DEFAULT_OUT / args.assignment
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    (out / "feedback").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="qkv-grade-"))  # 0700: kernels cannot enter
    kernels = Path(tempfile.mkdtemp(prefix="qkv-kernels-"))
    os.chmod(kernels, 0o711)
    from autograder import sandbox  # the kernels see a learner kit exported here, never this repository:
    sandbox.use_learner_kit(kernels / ".learner-kit")  # before the workers start (they inherit its path)
    t0 = time.monotonic()
    timings: dict[str, float] = {}
    try:
        if submissions.is_file():
            if not zipfile.is_zipfile(submissions):
                print(f"error: {submissions} is neither a folder nor a .zip file", file=sys.stderr)
                return 2
            folder = extract_zip(submissions, work / "unzipped")
        else:
            folder = submissions
        tasks = discover(folder, nb_name)
        if not tasks:
            print(f"warning: no submissions found in {submissions}", file=sys.stderr)
        # Start the workers now: they import nbgrader while this process prepares the course,
        # and probe the sandbox and warm matplotlib's font cache in the background.
        from autograder import sandbox

        mp = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(max_workers=args.jobs, mp_context=mp, initializer=_init_worker)
        warm = [pool.submit(_warm_up) for _ in range(args.jobs)]
        helpers = cf.ThreadPoolExecutor(max_workers=2)
        probing = helpers.submit(sandbox.probe, str(solutions))
        fonts = helpers.submit(_warm_matplotlib_cache, kernels)
        master = out / "nbgrader"
        timings["started_helpers"] = time.monotonic() - t0
        try:
            make_master_course(master, args.assignment, solutions)
            timings["course"] = time.monotonic() - t0
        except Exception as error:  # noqa: BLE001
            print(f"error: nbgrader could not generate the assignment:\n{error}", file=sys.stderr)
            pool.shutdown(cancel_futures=True)
            return 1
        release_path = master / "release" / args.assignment / f"{nb_name}.ipynb"
        shutil.copy(master / "gradebook.db", work / "pristine.db")  # workers copy this, never the live one
        # the sandbox: say once, loudly, what is missing
        features = probing.result()
        timings["probed"] = time.monotonic() - t0
        missing = {k: v for k, v in features.items() if v}
        if missing:
            print("\n" + "!" * 78, file=sys.stderr)
            print("WARNING: some isolation features are not available; grading continues without them:",
                  file=sys.stderr)
            for key, why in missing.items():
                print(f"  - {key}: {why}", file=sys.stderr)
            print("!" * 78 + "\n", file=sys.stderr)
        fonts.result()
        helpers.shutdown()
        (out / "sandbox.json").write_text(json.dumps(features, indent=1), encoding="utf-8")
        hide = sorted({str(solutions), str(REPO / "solutions"), str(REPO / "autograder"), str(REPO / "tests"),
                       str(REPO / ".git"), str(out), str(work), str(folder.resolve())})
        ctx = {
            "id": f"{os.getpid()}-{time.time()}",
            "assignment": args.assignment, "notebook": nb_name, "master": str(master), "work": str(work),
            "kernels": str(kernels), "release_path": str(release_path), "pristine_db": str(work / "pristine.db"),
            "timeout": args.timeout,
            "memory": args.memory, "features": features, "skip_demo": args.skip_demo, "hide": hide,
            "guard": not args.no_guard,
            "base_uid": 200000 + random.randrange(0, 1000) * 1000 if len(tasks) < 1000 else 200000,
        }
        timings["setup"] = time.monotonic() - t0
        results: dict[int, Result] = {}
        bar = None
        if not args.quiet:
            from tqdm import tqdm

            bar = tqdm(total=len(tasks), unit="notebook", desc=f"grading {args.assignment}", file=sys.stderr)
        with pool:
            for future in warm:
                try:
                    future.result()
                except Exception:  # noqa: BLE001 - a worker that cannot start shows up in the rows below
                    pass
            timings["workers_ready"] = time.monotonic() - t0
            futures = {pool.submit(grade_one, t, ctx): t for t in tasks}
            for future in cf.as_completed(futures):
                task = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a worker crashed: the row says so
                    result = Result(task.student, task.sid, "error", f"grader worker failed: {error}")
                merge(master, args.assignment, nb_name, result, {})
                results[task.index] = result
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix_str(f"{task.student[:20]}: {STATUS_TEXT.get(result.status, result.status)}")
        if bar is not None:
            bar.close()
        timings["graded"] = time.monotonic() - t0
        # report
        from nbgrader.api import Gradebook

        with Gradebook("sqlite:///" + str(master / "gradebook.db")) as gb:
            nbrec = gb.find_notebook(nb_name, args.assignment)
            columns = [c.name for c in sorted(nbrec.grade_cells, key=lambda c: c.name)]
            order = {gid: i for i, (gid, *_) in enumerate(source_layout(_read(release_path)))}
            columns.sort(key=lambda c: order.get(c, 10**6))
            max_score = float(sum(c.max_score for c in nbrec.grade_cells))
            rows = []
            for task in tasks:
                result = results[task.index]
                sub = gb.find_submission_notebook(nb_name, args.assignment, task.sid)
                row = {"student": task.student, "max_score": max_score,
                       "status": STATUS_TEXT.get(result.status, result.status), "message": result.message}
                total = 0.0
                manual = []
                for grade in sub.grades:
                    value = grade.score or 0.0
                    row[grade.cell.name] = round(float(value), 4)
                    total += float(value)
                    if grade.needs_manual_grade:
                        manual.append(grade.cell.name)
                row["score"] = round(total, 4)
                if manual and result.status == "ok":
                    row["message"] = "; ".join(m for m in [row["message"], "to grade by hand: " + ", ".join(manual)]
                                               if m)
                rows.append(row)
                feedback = out / "feedback" / f"{safe_filename(task.student)}.html"
                produced = master / "feedback" / task.sid / args.assignment / f"{nb_name}.html"
                if result.course_dir and produced.exists():
                    feedback.write_text(finish_feedback(produced.read_text(encoding="utf-8")), encoding="utf-8")
                else:
                    feedback.write_text(failure_feedback(task.student, args.assignment, result.status,
                                                         result.message), encoding="utf-8")
        write_outputs(out, args.assignment, rows, columns)
        (out / "students.json").write_text(json.dumps({t.sid: t.student for t in tasks}, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        (out / "results.json").write_text(json.dumps([asdict(results[t.index]) for t in tasks], ensure_ascii=False,
                                                     indent=1), encoding="utf-8")
        histogram(out / "scores.png", [r["score"] for r in rows], max_score, args.assignment)
        timings["total"] = time.monotonic() - t0
        (out / "timings.json").write_text(json.dumps({k: round(v, 2) for k, v in timings.items()}), encoding="utf-8")
        print()
        print(summary(rows, max_score))
        elapsed = time.monotonic() - t0
        print(f"\n{len(rows)} submissions graded in {elapsed:.1f} s with --jobs {args.jobs}; results in {out}")
        print(f"  grades.csv, scores.png, feedback/<student>.html; formgrader course: {master}")
        return 0
    finally:
        if not os.environ.get("QKV_GRADE_KEEP"):  # keep the workspace for debugging
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(kernels, ignore_errors=True)


def _read(path):
    import nbformat

    return nbformat.read(path, as_version=4)


if __name__ == "__main__":
    sys.exit(main())
