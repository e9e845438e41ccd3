"""The bank of planted answers, graded as one class by the grade command's engine.

A bank folder holds, per assignment, ``mistakes/<name>__<slug>.py`` (must lose
points) and ``alternatives/<name>__<slug>.py`` (must keep full marks). Each file
is the complete replacement source of the solution cell whose ``grade_id`` is
``<name>``. A submission is built from the released notebook with solution cells
filled in from the reference (for a mistake, only the exercises its own tests
reach; for an alternative, also every exercise after it: see
:func:`filled_exercises`), then the one planted cell swapped in; cells tagged
``demo`` are dropped to keep grading fast (nbgrader only restores graded and
locked cells, so a learner may delete them too). The
full reference, demo cells included, is the engine's calibration run; the
trimmed reference is built from the learner kit's copy of the notebook (a fresh
``export-learner``), so the kit's notebooks are proven to grade full marks too.
"""

from __future__ import annotations

import ast
import copy
import functools
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder import course

BANK = Path(__file__).resolve().parent / "bank"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass(frozen=True)
class Case:
    """One submission to grade and what it must score."""

    student: str  # nbgrader-safe id
    kind: str  # reference | reference_trimmed | stub | mistake | alternative
    target: str | None = None  # grade_id of the replaced solution cell
    path: Path | None = None  # the bank file

    @property
    def label(self) -> str:
        return self.path.stem if self.path else self.kind

    @property
    def description(self) -> str:
        if self.path is None:
            return self.kind
        first = self.path.read_text(encoding="utf-8").splitlines()[:1]
        return first[0].lstrip("# ").strip() if first else self.path.name


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def strip_markers(source: str) -> str:
    """The reference code of a solution cell, without nbgrader's markers."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def solution_sources(source_notebook: dict) -> dict[str, str]:
    """Reference source of every solution cell, by grade_id."""
    return {course.grade_id(cell): strip_markers("".join(cell["source"]))
            for cell in source_notebook["cells"] if course.nbgrader_meta(cell).get("solution")}


def test_cell_ids(notebook: dict, target: str) -> list[str]:
    """grade_ids of the autograded test cells that check ``target`` (``test_<target>_visible|hidden``)."""
    return [course.grade_id(cell) for cell in notebook["cells"]
            if course.is_test(cell) and course.exercise_tested(course.grade_id(cell)) == target]


def reached_exercises(source_notebook: dict, target: str, planted: str = "") -> list[str]:
    """The exercises before ``target`` that its tests can reach, in notebook order.

    An exercise is reached when a reached piece of code names something its solution cell defines (its
    function, say), or something one of its test cells defines (a test cell left as a stub stops at its
    first line and defines nothing). The first reached pieces are the target's reference and its test
    cells and ``planted``; every plain (untagged, ungraded) cell before the target's tests runs in any
    submission, so the names it defines bring in the names it uses. An over-estimate is safe (the
    submission holds more reference code); an under-estimate would fail the target's tests with the
    stub's NotImplementedError or a NameError, which tests/test_bank.py rejects.
    """
    cells = [c for c in source_notebook["cells"] if c.get("cell_type") == "code" and not course.is_demo(c)]
    last = max((i for i, c in enumerate(cells) if course.is_answer(c) and course.grade_id(c) == target), default=-1)
    last = max([last] + [i for i, c in enumerate(cells) if course.exercise_tested(course.grade_id(c)) == target])
    pieces: dict[str, list[str]] = {}  # exercise -> its solution and test sources
    plain: list[str] = []
    for cell in cells[: last + 1]:
        source = "".join(cell["source"])
        owner = course.grade_id(cell) if course.is_answer(cell) else course.exercise_tested(course.grade_id(cell))
        if owner is not None:
            pieces.setdefault(owner, []).append(source)
        elif not course.nbgrader_meta(cell).get("grade"):
            plain.append(source)
    used = set().union(*(_names(s)[1] for s in [*pieces.pop(target, []), planted]))
    reached: set[str] = set()
    grew = True
    while grew:
        grew = False
        for source in plain:
            defined, uses = _names(source)
            if defined & used and not uses <= used:
                used |= uses
                grew = True
        for name, sources in pieces.items():
            if name not in reached and any(_names(s)[0] & used for s in sources):
                reached.add(name)
                used |= set().union(*(_names(s)[1] for s in sources))
                grew = True
    return [name for name in pieces if name in reached]


@functools.cache  # a chapter's cases read the same cells again and again (1 to 4 CPU-s per chapter)
def _names(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """(names a cell binds, names it reads before binding them). Statement by statement: a name read by a
    simple statement counts unless an earlier statement bound it; inside a compound one (a def, a class, a
    loop) a name it also binds does not count, nor does a lambda's argument or a comprehension's variable."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        tree = ast.parse(TransformerManager().transform_cell(source))  # magics and shell escapes as calls
    except SyntaxError:  # over-estimate
        words = frozenset(re.findall(r"[A-Za-z_]\w*", source))
        return words, words
    bound, free = set(), set()
    for statement in tree.body:
        stores, loads, local = set(), set(), set()
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                (stores if isinstance(node.ctx, ast.Store) else loads).add(node.id)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                stores.add(node.name)
            elif isinstance(node, ast.alias):
                stores.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.arg):
                local.add(node.arg)
            elif isinstance(node, ast.comprehension):
                local |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        simple = isinstance(statement, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Expr)
        free |= loads - bound - local - (set() if simple else stores)
        bound |= stores
    return frozenset(bound), frozenset(free)


def build_submission(release: dict, replacements: dict[str, str], drop_demo: bool) -> dict:
    """The released notebook with solution cells replaced by ``replacements`` (by grade_id)."""
    notebook = copy.deepcopy(release)
    cells = []
    for cell in notebook["cells"]:
        if drop_demo and "demo" in cell.get("metadata", {}).get("tags", []):
            continue
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            cell["source"] = replacements[grade_id]
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


def cases(assignment: str, bank_root: Path = BANK, with_references: bool = True) -> list[Case]:
    """Every case to grade for ``assignment``: the reference, the stub and the bank entries."""
    found = []
    if with_references:
        found += [Case("reference", "reference"), Case("reference-trimmed", "reference_trimmed"), Case("stub", "stub")]
    for kind, folder in (("mistake", "mistakes"), ("alternative", "alternatives")):
        for path in sorted((bank_root / assignment / folder).glob("*.py")):
            target = path.stem.split("__")[0]
            found.append(Case(f"{kind}-{path.stem}", kind, target, path))
    return found


#: Error text of every failing graded cell, by (assignment, student) and grade_id, for test reports.
FAILURES: dict[tuple[str, str], dict[str, str]] = {}


def failure_texts(notebook: dict) -> dict[str, str]:
    """The error (or stderr) each graded cell of an autograded notebook produced."""
    texts = {}
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if not grade_id or cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                texts[grade_id] = f"{output.get('ename')}: {output.get('evalue')}"
            elif output.get("name") == "stderr":
                texts.setdefault(grade_id, "wrote to stderr: " + "".join(output.get("text", ""))[:300])
    return texts


def grade_cases(assignment: str, to_grade: list[Case], workers: int = 2) -> dict[str, dict[str, course.CellGrade]]:
    """Grade every case as one class, through the grade command's engine (same sandbox, same limits).

    The engine grades the reference first under the class's limits (its calibration): that result is
    the ``reference`` case. If the limits are too tight, every case reports the engine's message.
    """
    from autograder import learner_kit
    from autograder.engine.calibrate import LimitsTooTight
    from autograder.engine.runner import Options, grade_class

    name = course.notebook_name(assignment)
    with tempfile.TemporaryDirectory(prefix=f"qkv-bank-{assignment}-") as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        release = load(release_of(assignment, Path(tmp) / "release"))
        source = load(course.source_notebook(assignment))
        references = solution_sources(source)
        for case in to_grade:
            if case.kind == "reference":
                continue
            if case.kind == "stub":
                notebook = release
            elif case.kind == "reference_trimmed":  # what a learner clones: the kit's own copy of the notebook
                kit = Path(tmp) / "kit"
                learner_kit.export(kit)
                notebook = build_submission(load(kit_notebook(kit, assignment)), references, drop_demo=True)
            else:
                notebook = build_submission(release, _replacements(case, references, source), drop_demo=True)
            (folder / f"{case.student}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        try:
            graded = grade_class(Options(assignment, Path(tmp) / "out", jobs=workers), folder)
        except LimitsTooTight as error:
            ERRORS[assignment] = str(error)
            return {}
        results = {graded.tasks[i].student: r for i, r in graded.results.items()}
        if graded.calibration is not None:
            results["reference"] = graded.calibration
        grades = {}
        for student, result in results.items():
            grades[student] = {gid: course.CellGrade(gid, float(score or 0.0), float(top), score is not None)
                               for gid, (score, top) in result.cells.items()}
            path = Path(tmp) / "out" / "nbgrader" / "autograded" / result.sid / assignment / f"{name}.ipynb"
            errors = failure_texts(load(path)) if path.exists() else {}
            if result.status != "ok" or not path.exists():
                errors["*"] = f"{result.status}: {result.message}"
            FAILURES[(assignment, student)] = errors
    return grades


def kit_notebook(kit: Path, assignment: str) -> Path:
    """The exercise notebook of ``assignment`` in the learner kit exported to ``kit``."""
    return kit / "notebooks" / assignment / f"{course.notebook_name(assignment)}.ipynb"


def release_of(assignment: str, root: Path) -> Path:
    """The student release of ``assignment``, made by nbgrader the way the course makes it."""
    course.make_course(root, assignment)
    course.generate_in_process(root, assignment)
    return root / "release" / assignment / f"{course.notebook_name(assignment)}.ipynb"


def filled_exercises(case: Case, source_notebook: dict) -> list[str]:
    """The exercises whose solution cells a case's submission fills in, in notebook order (the rest stay as
    released, like a learner who did only those).

    * A planted mistake: its own exercise and those its tests reach (:func:`reached_exercises`). The others
      cannot change the score of the test cells the case is judged on; their tests fail at once, where they
      would train models (chapter 5).
    * A correct alternative: its own exercise, every exercise with a cell after its solution cell, and all that
      their tests reach. Whatever the alternative does to the kernel (a default dtype changed, a module
      patched) still meets every test that runs after it; the cells before it cannot see it at all.
    * Every other case, and an unknown target (its test case then fails by name): the whole reference.
    """
    cells = [c for c in source_notebook["cells"] if not course.is_demo(c)]
    names = list(solution_sources(source_notebook))
    if case.kind not in ("mistake", "alternative") or case.target not in names:
        return names
    planted = case.path.read_text(encoding="utf-8") if case.path else ""
    judged = [case.target]
    if case.kind == "alternative":
        start = next(i for i, c in enumerate(cells) if course.grade_id(c) == case.target)
        for cell in cells[start + 1:]:
            owner = course.grade_id(cell) if course.grade_id(cell) in names else course.exercise_tested(
                course.grade_id(cell))
            if owner in names and owner not in judged:
                judged.append(owner)
    filled = set(judged)
    for name in judged:
        filled |= set(reached_exercises(source_notebook, name, planted if name == case.target else ""))
    return [name for name in names if name in filled]


def _replacements(case: Case, references: dict[str, str], source_notebook: dict) -> dict[str, str]:
    """The solution cells a case's submission fills in (:func:`filled_exercises`), its planted cell swapped in."""
    replacements = {name: references[name] for name in filled_exercises(case, source_notebook) if name in references}
    if case.path is not None:
        replacements[case.target] = case.path.read_text(encoding="utf-8")
    return replacements


#: Why an assignment's bank could not be graded at all (the engine's message), by assignment.
ERRORS: dict[str, str] = {}
