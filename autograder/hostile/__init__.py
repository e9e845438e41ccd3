"""A bank of hostile and broken submissions for the grade command.

Every case is built from an assignment's reference notebook (solutions +
hidden tests) or its release (the stub), so the same bank runs against any
assignment, e.g. the toy one in tests/fixtures or 03_attention::

    from autograder.hostile import CASES, write_class
    write_class(folder, reference_path, release_path)   # one student per case
    # then: python -m autograder grade 03_attention folder

``Case.expect_status`` lists the acceptable statuses (as in grades.csv),
``Case.expect_score`` is ``"zero"`` (every autograded test scores 0),
``"reference"`` (same score as the untouched reference) or ``"at_most_reference"``.
``Case.forbidden`` are strings that must appear nowhere in what the grader keeps
(feedback page, autograded notebook): proof that a secret leaked or an attack worked.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.hostile import payloads


@dataclass
class Case:
    name: str
    build: Callable  # (reference_nb, release_nb) -> notebook | bytes | None (an empty folder)
    expect_status: tuple[str, ...] = ("graded",)
    expect_score: str = "zero"
    forbidden: tuple[str, ...] = ()
    as_folder: bool = True  # <student>/<file>.ipynb, else <student>.ipynb
    doc: str = ""
    needs: tuple[str, ...] = ()  # sandbox features the expectation relies on
    message: str = ""  # a phrase the row's message must hold (which limit stopped it)
    extra: dict = field(default_factory=dict)


def _first_code_index(nb) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            return i
    return 0


def _grade_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
            and not c.metadata["nbgrader"].get("solution")]


def _solution_names(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def inject(base, code: str, where: str = "start"):
    """A copy of ``base`` with a plain code cell holding ``code`` after the setup cell (or at the end)."""
    nb = copy.deepcopy(base)
    cell = nbformat.v4.new_code_cell(code)
    if where == "start":
        nb.cells.insert(_first_code_index(nb) + 1, cell)
    else:
        nb.cells.append(cell)
    return nb


def slow_cells(base, count: int = 8):
    """A copy of ``base`` with ``count`` sleeping cells after the setup cell (see payloads.SLOW_CELL)."""
    nb = copy.deepcopy(base)
    start = _first_code_index(nb) + 1
    nb.cells[start:start] = [nbformat.v4.new_code_cell(payloads.SLOW_CELL) for _ in range(count)]
    return nb


def wrong_answers(release, template: str = payloads.WRONG):
    """The stub, with each solution name rebound (right after its cell, before its tests) by ``template``."""
    nb = copy.deepcopy(release)
    out = []
    for cell in nb.cells:
        out.append(cell)
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            out.append(nbformat.v4.new_code_cell(template.replace("{names!r}", repr([meta["grade_id"]]))))
    nb.cells = out
    return nb


def _edit_tests(release, edit):
    nb = copy.deepcopy(release)
    for cell in _grade_cells(nb):
        edit(cell)
    return nb


def _delete_tests(release):
    nb = copy.deepcopy(release)
    tests = {id(c) for c in _grade_cells(nb)}
    nb.cells = [c for c in nb.cells if id(c) not in tests]
    return nb


def _duplicate_tests(release):
    nb = copy.deepcopy(release)
    out = []
    for cell in nb.cells:
        if cell in _grade_cells(nb):
            fake = copy.deepcopy(cell)
            fake.source = "pass  # a copy that passes"
            out += [cell, fake]  # the last copy of a repeated id is the one nbgrader keeps
        else:
            out.append(cell)
    nb.cells = out
    return nb


def _retype(cell):
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


def _rename_ids(release):
    nb = copy.deepcopy(release)
    for cell in _grade_cells(nb):
        cell.metadata.nbgrader["grade_id"] += "_renamed"
    for cell in nb.cells:
        cell["id"] = "same-id"  # every nbformat cell id the same
    return nb


def _corrupt_metadata(release):
    def edit(cell):
        cell.metadata.nbgrader.update(grade=True, solution=True, locked=False, points=1000)
        cell.source = "pass"
    return _edit_tests(release, edit)


def _other_assignment(reference):
    nb = copy.deepcopy(reference)
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["grade_id"] = "other_course_" + cell.metadata.nbgrader["grade_id"]
    return nb


def _big(reference, megabytes: int = 50):
    nb = copy.deepcopy(reference)
    blob = "A" * (megabytes * 2**20)
    cell = nbformat.v4.new_code_cell("x = 1  # this cell once displayed a huge image")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": blob, "text/plain": "<image>"})]
    nb.cells.insert(_first_code_index(nb) + 1, cell)
    return nb


def _html_js(reference):
    nb = inject(reference, payloads.HTML_JS)
    nb.cells.append(nbformat.v4.new_markdown_cell(payloads.HTML_MARKDOWN))
    return nb


def _truncated(reference) -> bytes:
    text = json.dumps(reference)
    return text[: len(text) // 2].encode()


W = ("graded",)
CASES: dict[str, Case] = {case.name: case for case in [
    Case("infinite loop", lambda ref, rel: inject(ref, "while True:\n    pass"), ("timeout",), "zero",
         message="per-cell limit"),
    Case("infinite loop after the tests", lambda ref, rel: inject(ref, "while True:\n    pass", "end"),
         ("timeout",), "at_most_reference",
         doc="the tests that finished keep their points", message="per-cell limit"),
    Case("slow cells past the notebook's limit", lambda ref, rel: slow_cells(ref), ("timeout",), "zero",
         doc="eight cells of 3 s: each within a per-cell limit over 3 s, together past a notebook limit under 24 s",
         message="the notebook did not finish within"),
    Case("loop ignoring SIGINT", lambda ref, rel: inject(ref, payloads.SIGINT_LOOP), ("timeout",), "zero",
         message="per-cell limit"),
    Case("memory bomb", lambda ref, rel: inject(wrong_answers(rel), payloads.MEMORY_BOMB),
         ("memory limit",), "zero", needs=("memory",),
         doc="whichever limit applies (cgroup or RLIMIT_AS), the row says memory limit, with a message"),
    Case("fork bomb", lambda ref, rel: inject(ref, payloads.FORK_BOMB), ("timeout", "kernel died"), "zero",
         needs=("processes",)),
    Case("sys.exit", lambda ref, rel: inject(ref, "import sys\nsys.exit(3)"), W, "reference",
         doc="IPython turns SystemExit into an error in that cell only"),
    Case("os._exit", lambda ref, rel: inject(ref, "import os\nos._exit(0)"), ("kernel died",), "zero"),
    Case("segfault", lambda ref, rel: inject(ref, "import ctypes\nctypes.string_at(0)"), ("kernel died",), "zero"),
    Case("megabytes of output", lambda ref, rel: inject(ref, payloads.FLOOD), W, "reference"),
    Case("edited test cells", lambda ref, rel: _edit_tests(rel, lambda c: c.update(source="pass")), W, "zero"),
    Case("deleted test cells", lambda ref, rel: _delete_tests(rel), W, "zero"),
    Case("deleted test cells, right answers", lambda ref, rel: _delete_tests(ref), W, "reference",
         doc="the missing tests are put back and run"),
    Case("duplicated test cells", lambda ref, rel: _duplicate_tests(rel), W, "zero"),
    Case("test cells retyped as markdown", lambda ref, rel: _edit_tests(rel, _retype), W, "zero"),
    Case("changed cell ids", lambda ref, rel: _rename_ids(rel), W, "zero"),
    Case("changed nbgrader metadata", lambda ref, rel: _corrupt_metadata(rel), W, "zero"),
    Case("monkeypatched test helpers", lambda ref, rel: inject(wrong_answers(rel), payloads.MONKEYPATCH),
         W + ("tampering detected",), "zero"),
    Case("monkeypatch inside the answer", lambda ref, rel: wrong_answers(rel, payloads.LATE_PATCH),
         W + ("tampering detected",), "zero", doc="the learner's function patches the helpers when the test calls it"),
    Case("rewrites later cells", lambda ref, rel: inject(wrong_answers(rel), payloads.REWRITE_CELLS),
         W + ("tampering detected",), "zero", doc="IPython's input transformer turns every test cell into `pass`"),
    Case("replaces IPython's compiler", lambda ref, rel: inject(wrong_answers(rel), payloads.REPLACE_COMPILER),
         W + ("tampering detected",), "zero"),
    Case("fakes the kernel's handler", lambda ref, rel: inject(wrong_answers(rel), payloads.FAKE_HANDLER),
         W + ("tampering detected",), "zero", doc="the kernel's execute_request handler skips every check"),
    Case("swallowed exceptions", lambda ref, rel: inject(wrong_answers(rel), payloads.SWALLOW),
         W + ("tampering detected",), "zero"),
    Case("always-equal object", lambda ref, rel: wrong_answers(rel, payloads.ALWAYS_EQUAL), W, "zero"),
    Case("reads solutions and gradebook", lambda ref, rel: inject(rel, payloads.SNOOP), W, "zero",
         forbidden=("LEAK:",), needs=("filesystem", "user")),
    Case("writes the gradebook", lambda ref, rel: inject(rel, payloads.WRITE_GRADEBOOK), W, "zero",
         forbidden=("WROTE:",), needs=("filesystem", "user")),
    Case("opens a network socket", lambda ref, rel: inject(ref, payloads.NETWORK), W, "reference",
         forbidden=("NETWORK-OPEN",), needs=("network",)),
    Case("reaches for the zygote", lambda ref, rel: inject(ref, payloads.ZYGOTE), W, "reference",
         forbidden=("ZYGOTE-",), needs=("filesystem", "user"),
         doc="kernels are forked by a root zygote: its socket, descriptors, modules and process stay out of reach"),
    Case("truncated file", lambda ref, rel: _truncated(ref), ("invalid notebook",), "zero"),
    Case("not JSON", lambda ref, rel: b"this is not a notebook \x00\xff", ("invalid notebook",), "zero",
         as_folder=False),
    Case("empty folder", lambda ref, rel: None, ("no notebook found",), "zero"),
    Case("another assignment", lambda ref, rel: _other_assignment(ref), ("wrong assignment",), "zero"),
    Case("50 MB notebook", lambda ref, rel: _big(ref), W, "reference"),
    Case("HTML and JS outputs", lambda ref, rel: _html_js(ref), W, "reference",
         forbidden=("<script", "onerror=alert", "javascript:alert")),
]}


def write_case(folder: Path, student: str, case: Case, reference, release) -> Path:
    """Write one case as a student's entry in ``folder``."""
    built = case.build(reference, release)
    if built is None:
        path = folder / student
        path.mkdir(parents=True, exist_ok=True)
        return path
    data = built if isinstance(built, bytes) else json.dumps(built, indent=1, ensure_ascii=False).encode()
    if case.as_folder:
        path = folder / student / "my_submission.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        path = folder / f"{student}.ipynb"
    path.write_bytes(data)
    return path


def write_class(folder: Path, reference_path: Path, release_path: Path, names: list[str] | None = None) -> dict:
    """Write every case (or ``names``) as a student of ``folder``; returns {student: case}."""
    reference = nbformat.read(reference_path, as_version=4)
    release = nbformat.read(release_path, as_version=4)
    folder.mkdir(parents=True, exist_ok=True)
    students = {}
    for name, case in CASES.items():
        if names is not None and name not in names:
            continue
        student = f"hostile: {name}"
        write_case(folder, student, case, reference, release)
        students[student] = case
    return students
