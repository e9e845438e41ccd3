"""The instructor's grade command: outputs, isolation and the bank of hostile submissions.

Runs against the toy assignment in tests/fixtures/solutions/00_toy (numpy only, a
few seconds per notebook) so that the whole bank fits in the CI budget; the
command and the bank are the same for the course's assignments.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import course, grade, sandbox
from autograder.engine import font_cache, zygote
from autograder.feedback_math import unrendered
from autograder.hostile import CASES, write_class

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "solutions"
ASSIGNMENT = "00_toy"
REFERENCE = FIXTURES / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def run_grade(submissions, out, *extra, check=True):
    cmd = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(submissions), "--out", str(out),
           "--solutions", str(FIXTURES), "--quiet", *extra]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=900)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def read_rows(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def release_of(tmp: Path) -> Path:
    """The student version of the toy notebook, made the way the course makes it (nbgrader)."""
    root = course.make_course(tmp / "course", ASSIGNMENT, FIXTURES)
    course.nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    return root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def autograded_columns(rows: dict) -> list[str]:
    return [c for c in next(iter(rows.values())) if c.startswith("test_")]


# --------------------------------------------------------------------------- fast unit tests


def test_student_ids_are_safe_unique_and_stable():
    names = ["Zoë Müller", "Zoe Muller", "李小龙", "O'Brien, Ana-María (2)", "a/b", "", " "]
    ids = [grade.student_id(n) for n in names]
    assert len(set(ids)) == len(ids)
    assert all(i.replace("_", "").isalnum() and i.isascii() for i in ids)
    assert grade.student_id("Zoë Müller") == ids[0]


def test_discover_accepts_both_layouts_and_ignores_junk(tmp_path):
    (tmp_path / "Zoë Müller").mkdir()
    (tmp_path / "Zoë Müller" / "renamed by the platform (1).ipynb").write_text("{}")
    (tmp_path / "bob.ipynb").write_text("{}")
    (tmp_path / "empty").mkdir()
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / ".DS_Store").write_text("")
    (tmp_path / "notes.txt").write_text("")
    tasks = {t.student: t for t in grade.discover(tmp_path, "00_toy")}
    assert set(tasks) == {"Zoë Müller", "bob", "empty"}
    assert tasks["empty"].status == "missing"
    assert tasks["bob"].path.endswith("bob.ipynb")


def test_zip_extraction_refuses_path_traversal(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../evil.ipynb", "{}")
        z.writestr("/abs/evil2.ipynb", "{}")
        z.writestr("Ünïcode name/x.ipynb", "{}")
    folder = grade.extract_zip(archive, tmp_path / "x")
    assert not (tmp_path / "evil.ipynb").exists()
    assert (folder / "Ünïcode name" / "x.ipynb").exists()


def test_zip_with_one_wrapping_folder(tmp_path):
    archive = tmp_path / "download (2).zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("submissions/alice/a.ipynb", "{}")
        z.writestr("submissions/bob.ipynb", "{}")
    folder = grade.extract_zip(archive, tmp_path / "x")
    assert {t.student for t in grade.discover(folder, "00_toy")} == {"alice", "bob"}


def test_normalize_restores_structure():
    reference = nbformat.read(REFERENCE, as_version=4)
    nb = nbformat.read(REFERENCE, as_version=4)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    tests[0].metadata.nbgrader.update(points=100, solution=True)  # edited metadata
    tests[1].cell_type = "markdown"  # retyped
    nb.cells.remove(tests[2])  # deleted
    tests[3].metadata.nbgrader["grade_id"] = "not_a_cell"  # renamed
    notes = grade.normalize(nb, reference)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    ref_ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in reference.cells]
    assert [i for i in ids if i] == [i for i in ref_ids if i]
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid:
            ref = next(c for c in reference.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
            assert cell.metadata.nbgrader == ref.metadata.nbgrader and cell.cell_type == ref.cell_type
    assert len({c["id"] for c in nb.cells}) == len(nb.cells)
    assert any("put back" in n for n in notes)


def test_feedback_pages_cannot_run_scripts():
    page = grade.finish_feedback("<html><head><script src='https://cdn/x.js'></script></head>"
                                 "<body><SCRIPT>alert(1)</SCRIPT></body></html>")
    assert "<script" not in page.lower()
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_remembered_highlighting_is_pygments_own_once_per_distinct_cell():
    from nbconvert.filters.highlight import Highlight2HTML

    from autograder.engine.preprocessors.cached_feedback import RememberedHighlight

    plain = Highlight2HTML(pygments_lexer="ipython3")
    calls = []

    def counted(source, language=None, metadata=None):
        calls.append(source)
        return plain(source, language, metadata)

    remembered = RememberedHighlight(counted)
    cells = [("x = softmax(q @ k.T)", None, None), ("%%bash\necho $HOME", None, {"magics_language": "bash"}),
             ("%%bash\necho $HOME", None, None), ("print('a')", "python", None)]
    for _ in range(3):
        for source, language, metadata in cells:
            assert remembered(source, language, metadata) == plain(source, language, metadata)
    assert len(calls) == len(cells)  # the magics' language and the cell's language are part of what is remembered


def test_remembered_markdown_is_nbconvert_s_own_once_per_distinct_text(monkeypatch):
    from nbconvert.exporters import HTMLExporter

    from autograder.engine.preprocessors.cached_feedback import FeedbackHTMLExporter

    exporter, plain = FeedbackHTMLExporter(), HTMLExporter()
    real, calls = HTMLExporter.markdown2html, []

    def counted(self, context, source):
        calls.append(source)
        return real(self, context, source)

    monkeypatch.setattr(HTMLExporter, "markdown2html", counted)
    here = {"resources": {"metadata": {"path": "/a"}}}
    there = {"resources": {"metadata": {"path": "/b"}}}
    attached = {**here, "cell": {"attachments": {"x.png": {"image/png": "iVBORw0KGgo="}}}}
    texts = [(here, "Softmax: $e^{x_i} / \\sum_j e^{x_j}$"), (here, "# Title\n\n*emphasis*"),
             (there, "# Title\n\n*emphasis*")]
    for _ in range(3):
        for context, source in texts:
            assert exporter.markdown2html(context, source) == real(plain, context, source)
        exporter.markdown2html(attached, "![x](attachment:x.png)")
    assert len(calls) == len(texts) + 3  # the folder is part of what is remembered; attachments are not remembered


def test_kernel_guard_is_real_code_that_restores_the_helpers():
    """The guard installed in an IPython shell: a patched helper is named by the check, then restored."""
    import builtins

    import numpy.testing
    from IPython.core.interactiveshell import InteractiveShell

    from autograder.engine import guard

    shell = InteractiveShell.instance()
    original = numpy.testing.assert_allclose
    try:
        assert shell.run_cell(guard.install_code()).success
        assert builtins._qkv_guard_check() == ""
        shell.run_cell("import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None")
        assert "numpy.testing.assert_allclose" in builtins._qkv_guard_check()
        builtins._qkv_guard_restore()
        assert numpy.testing.assert_allclose is original and builtins._qkv_guard_check() == ""
        # a cell that turns every later cell into `pass`: through the instance, the class, a list of passes
        transform = InteractiveShell.transform_cell
        for patch in ("get_ipython().input_transformer_manager.transform_cell = lambda cell: 'pass'",
                      "type(get_ipython()).transform_cell = lambda self, cell: 'pass'",
                      "get_ipython().input_transformer_manager.line_transforms.append(lambda lines: ['pass'])"):
            shell.run_cell(patch)
            assert shell.run_cell("1 / 0").error_in_exec is None  # the attack works ...
            assert "IPython's execution" in builtins._qkv_guard_check()
            builtins._qkv_guard_restore()  # ... until the guard restores the machinery
            assert builtins._qkv_guard_check() == "" and InteractiveShell.transform_cell is transform
            assert isinstance(shell.run_cell("1 / 0").error_in_exec, ZeroDivisionError)
    finally:
        numpy.testing.assert_allclose = original
        for name in ("_qkv_guard_check", "_qkv_guard_restore"):
            vars(builtins).pop(name, None)
        InteractiveShell.clear_instance()


def test_guard_restore_reruns_only_the_release_s_own_imports():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np\nfrom qkvlab.checks import *"),
        nbformat.v4.new_code_cell("import os", metadata={"nbgrader": {"solution": True, "grade_id": "f"}}),
    ])
    from autograder.engine import guard

    code = guard.restore_code(nb)
    assert code.startswith("_qkv_guard_restore()") and "import numpy as np" in code
    assert "import os" not in code and "*" not in code
    compile(code, "restore", "exec")


def test_zygote_forks_the_kernel_command_and_a_missing_one_means_a_cold_start(tmp_path, monkeypatch):
    """The client asks the zygote for the command (the zygote is its parent, its exit status comes back);
    with no zygote to reach, the client runs the cold sandbox launcher itself (this test is the parent)."""
    monkeypatch.delenv(zygote.SHARED_ENV, raising=False)
    monkeypatch.delenv("QKV_COLD_KERNELS", raising=False)
    work, kernels = tmp_path / "work", tmp_path / "kernels"
    work.mkdir(mode=0o700)
    kernels.mkdir()
    policy = sandbox.Policy(workdir=str(kernels / "k"), uid=None, memory_mb=None, network=False, filesystem=False)
    probe = [sys.executable, "-c", "import os, sys; print(os.getppid()); sys.exit(3)"]
    socket_path = zygote.ensure(str(work), str(kernels))
    try:
        # chapter 7's notebook loads MiniLM: the zygote imports transformers for it, and nothing it is not allowed to
        assert zygote.modules_to_warm(str(course.source_notebook("07_contextual_embeddings"))) == [
            "qkvlab.minilm", "matplotlib.pyplot"]
        assert zygote.modules_to_warm(str(course.source_notebook("03_attention"))) == []
        assert zygote.modules_to_warm(str(course.source_notebook("05_attention_at_work"))) == ["torch._dynamo"]
        # chapter 1's loads GloVe: the zygote reads the words and maps the vectors once for all its kernels
        assert "qkvlab.data" in zygote.modules_to_warm(str(course.source_notebook("01_static_embeddings")))
        assert zygote.warm(socket_path, ["qkvlab.minilm", "qkvlab.plots"], wait=True) == ["qkvlab.minilm"]
        assert zygote.warm(socket_path, ["qkvlab.data"], wait=True) == ["qkvlab.data"]
        # matplotlib waits for the kernels' font cache (else the zygote would build its own first)
        assert zygote.warm(socket_path, ["matplotlib.pyplot"], str(kernels), wait=True) == []
        font_cache.FontCache(kernels).wait()
        assert zygote.warm(socket_path, ["matplotlib.pyplot"], str(kernels), wait=True) == ["matplotlib.pyplot"]
        warm = subprocess.run(zygote.command(socket_path, sandbox.__file__, policy.to_json(), probe),
                              capture_output=True, text=True, timeout=300)
        (process, _), = zygote._RUNNING.values()
        assert (warm.returncode, warm.stdout.strip()) == (3, str(process.pid)), warm.stderr
        maps = Path(f"/proc/{process.pid}/maps").read_text()
        assert "libtorch_cpu" in maps  # a class that uses torch
        assert "glove_6B_50d_emb.npy" in maps  # qkvlab.data.warm() mapped the vectors
    finally:
        for process, _ in zygote._RUNNING.values():
            process.kill()
        zygote._RUNNING.clear()
    cold = subprocess.run(zygote.command(str(work / "gone.sock"), sandbox.__file__, policy.to_json(), probe),
                          capture_output=True, text=True, timeout=300)
    assert (cold.returncode, cold.stdout.strip()) == (3, str(os.getpid())), cold.stderr


def test_a_class_that_never_names_torch_gets_a_zygote_without_it(tmp_path, monkeypatch):
    """The toy assignment (numpy and qkvlab.checks) does not pay for torch's import; every chapter does."""
    assert not zygote.uses_torch(str(FIXTURES / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    assert all(zygote.uses_torch(str(course.source_notebook(a))) for a in course.assignments())
    monkeypatch.delenv(zygote.SHARED_ENV, raising=False)
    monkeypatch.delenv("QKV_COLD_KERNELS", raising=False)
    work, kernels = tmp_path / "work", tmp_path / "kernels"
    work.mkdir(mode=0o700)
    kernels.mkdir()
    socket_path = zygote.ensure(str(work), str(kernels), torch=False)
    try:
        zygote.warm(socket_path, ["nothing"], wait=True)  # answered once the zygote's imports are done
        (process, _), = zygote._RUNNING.values()
        maps = Path(f"/proc/{process.pid}/maps").read_text()
    finally:
        zygote.stop_all()
    assert "_multiarray_umath" in maps and "libtorch" not in maps


def test_the_zygote_s_imports_start_no_thread():
    """The zygote forks every kernel: a thread that an import started would be missing in each child, and a
    lock it held would stay held. (The BLAS libraries of NumPy and SciPy start their pools at import, and re-create
    them after a fork: they are the baseline.)"""
    code = ("import importlib, os\nfrom autograder.engine import zygote\nimport numpy, scipy.linalg\n"
            "before = len(os.listdir('/proc/self/task'))\n"
            "for name in (*zygote.PRELOAD, *zygote.WARM_USES.values(), *zygote.WARM_MODULES):\n"
            "    getattr(importlib.import_module(name), 'warm', lambda: None)()\n"
            "print(before, len(os.listdir('/proc/self/task')))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    before, after = run.stdout.split()
    assert after == before, f"the zygote's imports started {int(after) - int(before)} thread(s)"


@pytest.mark.skipif(os.geteuid() != 0, reason="throwaway users need root")
def test_a_throwaway_user_s_zombie_is_not_a_process_to_kill_but_a_live_one_is():
    """A killed kernel stays a zombie until the zygote that forked it reaps it; kill_uid must not wait for that
    (it did, up to 0.1 s per submission), and must still see a process that runs."""
    import signal
    import time

    from autograder.engine import isolation

    uid = 200000 + os.getpid() % 1000 * 1000 + 999
    live, dead = os.fork(), None
    if live == 0:  # a child never returns into pytest, whatever happens
        try:
            os.setuid(uid)
            time.sleep(60)
        finally:
            os._exit(0)
    try:
        dead = os.fork()
        if dead == 0:
            try:
                os.setuid(uid)
            finally:
                os._exit(0)
        for _ in range(200):  # the second child, exited and not reaped: a zombie
            if isolation._is_zombie(str(dead)):
                break
            time.sleep(0.01)
        assert isolation._is_zombie(str(dead)) and not isolation._is_zombie(str(live))
        assert isolation._uid_has_processes(uid), "a sleeping process of the user was not seen"
        isolation.kill_uid(uid)
        os.waitpid(live, 0)
        live = None
        assert not isolation._uid_has_processes(uid), "the user's zombie still counts as a process"
    finally:
        if live:
            os.kill(live, signal.SIGKILL)
            os.waitpid(live, 0)
        if dead:
            os.waitpid(dead, 0)


def test_memory_signs_are_recognised():
    from autograder.engine import memory

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "error", ename="OSError", evalue="libtorch_cpu.so: failed to map segment from shared object", traceback=[])]
    assert "failed to map segment" in memory.exhausted(nb, None)
    nb.cells[0].outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="x", traceback=[])]
    assert memory.exhausted(nb, None) == ""


def test_unknown_assignment_lists_the_valid_ones(tmp_path):
    cmd = [sys.executable, "-m", "autograder", "grade", "99_nope", str(tmp_path), "--solutions", str(FIXTURES)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2
    assert "99_nope" in result.stderr and "00_toy" in result.stderr


def test_missing_submissions_folder_is_an_error(tmp_path):
    cmd = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(tmp_path / "nope"), "--solutions",
           str(FIXTURES)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2 and "does not exist" in result.stderr


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """Grade the reference, the stub and every hostile case in one run (--jobs 2)."""
    tmp = tmp_path_factory.mktemp("hostile")
    release = release_of(tmp)
    folder = tmp / "class"
    students = write_class(folder, REFERENCE, release)
    shutil.copy(REFERENCE, folder / "Ada Lovelace.ipynb")
    shutil.copy(release, folder / "untouched stub.ipynb")
    out = tmp / "out"
    # Four cases loop until a cell's 10 s limit stops them; one sleeps past the notebook's 15 s. Every other case
    # finishes in under 6 s here; its longest cell, the flood of output, takes about 2 s (more than 4 s on a loaded
    # CI machine, where a 4 s limit once stopped it)
    result = run_grade(folder, out, "--jobs", "2", "--timeout", "15", "--cell-timeout", "10", "--memory", "1024")
    return {"rows": read_rows(out), "students": students, "out": out, "log": result.stdout + result.stderr}


@pytest.mark.slow
def test_reference_and_stub(hostile_run):
    rows = hostile_run["rows"]
    reference, stub = rows["Ada Lovelace"], rows["untouched stub"]
    columns = autograded_columns(rows)
    assert reference["status"] == "graded"
    assert all(float(reference[c]) > 0 for c in columns), reference
    assert all(float(stub[c]) == 0 for c in columns), stub
    assert float(reference["max_score"]) == 7.0
    assert "written_why" in reference["message"]  # manual grading still to do


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_hostile_case(hostile_run, name):
    case = CASES[name]
    features = json.loads((hostile_run["out"] / "sandbox.json").read_text(encoding="utf-8"))
    missing = [f for f in case.needs if features.get(f)]
    if missing:
        pytest.skip(f"sandbox feature not available here: {', '.join(features[f] for f in missing)}")
    rows = hostile_run["rows"]
    row = rows[f"hostile: {name}"]
    reference = rows["Ada Lovelace"]
    assert row["status"] in case.expect_status, row
    columns = autograded_columns(rows)
    if case.expect_score == "zero":
        assert all(float(row[c]) == 0 for c in columns), row
    elif case.expect_score == "reference":
        assert float(row["score"]) == float(reference["score"]), row
    else:
        assert float(row["score"]) <= float(reference["score"]), row
    assert row["message"] or row["status"] == "graded"
    assert case.message in row["message"], row
    if row["status"] == "memory limit":
        assert "ran out of memory (limit 1024 MB" in row["message"], row
    if case.forbidden:
        texts = [(hostile_run["out"] / "feedback" / f"hostile: {name}.html").read_text(encoding="utf-8")]
        sid = grade.student_id(f"hostile: {name}")
        autograded = hostile_run["out"] / "nbgrader" / "autograded" / sid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        if autograded.exists():
            nb = nbformat.read(autograded, as_version=4)
            texts += [json.dumps(c.get("outputs", [])) for c in nb.cells]  # outputs, not the attack's code
        for text in texts:
            for word in case.forbidden:
                assert word not in text, f"{word!r} found: the attack worked"


@pytest.mark.slow
def test_outputs_of_a_run(hostile_run):
    out = hostile_run["out"]
    rows = hostile_run["rows"]
    header = list(next(iter(rows.values())))
    assert header[:5] == ["student", "score", "max_score", "status", "message"]
    assert {"test_add_visible", "test_add_hidden", "test_scale_visible", "test_scale_hidden"} <= set(header)
    assert "<title" in (out / "scores.svg").read_text(encoding="utf-8")
    assert (out / "nbgrader" / "gradebook.db").exists()
    for student in rows:
        page = (out / "feedback" / f"{student}.html").read_text(encoding="utf-8")
        assert "SECRET_HIDDEN_MARKER" not in page and "BEGIN HIDDEN TESTS" not in page
        assert "<script" not in page.lower()
        assert not unrendered(page), f"{student}: formulas left as TeX in the feedback page"
    assert "<math" in (out / "feedback" / "Ada Lovelace.html").read_text(encoding="utf-8")
    # the command's own output: no kernel banner (kernels write to their log), no warning from nbgrader's gradebook
    assert "--existing" not in hostile_run["log"] and "SAWarning" not in hostile_run["log"], hostile_run["log"][-3000:]
    # the kernels print tracebacks in IPython's Plain mode (execute.TRACEBACK_MODE): no Context arrows
    sid = grade.student_id("untouched stub")
    stub = nbformat.read(out / "nbgrader" / "autograded" / sid / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    tracebacks = ["".join(o.traceback) for c in stub.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert tracebacks and all("most recent call last" in t and "---->" not in t for t in tracebacks), tracebacks
    # the gradebook holds the same scores as grades.csv, for the formgrader
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(out / "nbgrader" / "gradebook.db")) as gb:
        for student, row in rows.items():
            sub = gb.find_submission(ASSIGNMENT, grade.student_id(student))
            assert abs(sub.score - float(row["score"])) < 1e-6, student
            assert gb.find_student(grade.student_id(student)).first_name == student


def test_nbgrader_s_metadata_check_is_unchanged_with_its_schema_checked_once():
    from nbgrader.nbgraderformat import MetadataValidator

    from autograder.engine.metadata_schema import check_schema_once

    good = nbformat.v4.new_code_cell("assert True")
    good.metadata["nbgrader"] = {"schema_version": 3, "grade": True, "solution": False, "locked": True,
                                 "grade_id": "test_x", "points": 2, "task": False}
    bad = nbformat.v4.new_code_cell("assert True")
    bad.metadata["nbgrader"] = {**good.metadata["nbgrader"], "points": "two"}

    def errors():
        MetadataValidator().validate_cell(good)
        with pytest.raises(Exception) as caught:
            MetadataValidator().validate_cell(bad)
        return type(caught.value), str(caught.value)

    before = errors()
    check_schema_once()
    assert errors() == before and "two" in before[1]


def test_only_a_scratch_gradebook_skips_the_disk_s_waits_and_the_table_checks(tmp_path):
    import nbgrader.api
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import text

    from autograder.engine import gradebook

    gradebook.reuse_engines()
    nbgrader.api.get_alembic_version = course.alembic_head  # as the grader does (nbgrader runs `alembic`)
    real, scratch = f"sqlite:///{tmp_path / 'real.db'}", f"sqlite:///{tmp_path / 'scratch.db'}"
    with Gradebook(real) as gb:
        gb.add_student("ada")
    shutil.copy(tmp_path / "real.db", tmp_path / "scratch.db")
    gradebook.SCRATCH.add(scratch)
    checked = []
    for url, settings in ((real, (2, "delete")), (scratch, (0, "memory"))):
        with Gradebook(url) as gb:
            pragma = lambda name, gb=gb: gb.db.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
            assert (pragma("synchronous"), pragma("journal_mode")) == settings, url
            gb.add_student("grace")
        with Gradebook(url) as gb:
            assert {s.id for s in gb.students} == {"ada", "grace"}, url
            before = len(gb.db.execute(text("SELECT name FROM sqlite_master")).all())
            gb.db.execute(text("DROP TABLE student"))
            gb.db.commit()
            Base.metadata.create_all(bind=gb.engine)  # nbgrader's table check, as each Gradebook runs it
            checked.append(len(gb.db.execute(text("SELECT name FROM sqlite_master")).all()) == before)
    assert checked == [True, False]  # the real gradebook's missing table is made again, the scratch one's not


def test_only_a_scratch_gradebook_looks_its_course_up_once(tmp_path):
    import nbgrader.api
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    from autograder.engine import gradebook

    gradebook.reuse_engines()
    nbgrader.api.get_alembic_version = course.alembic_head
    real, scratch = f"sqlite:///{tmp_path / 'real.db'}", f"sqlite:///{tmp_path / 'scratch.db'}"
    with Gradebook(real):  # makes the course
        pass
    shutil.copy(tmp_path / "real.db", tmp_path / "scratch.db")
    gradebook.SCRATCH.add(scratch)
    courses = []
    for url in (real, scratch):
        with Gradebook(url) as gb:  # the course is looked up (found)
            gb.db.execute(text("DELETE FROM course"))
            gb.db.commit()
        with Gradebook(url) as gb:  # looked up again (and made again) only on the real gradebook
            courses.append(gb.db.execute(text("SELECT count(*) FROM course")).scalar())
    assert courses == [1, 0]


def test_the_font_cache_is_kept_so_the_next_class_s_kernels_do_not_wait(tmp_path, monkeypatch):
    from autograder.engine import font_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, second = tmp_path / "first", tmp_path / "second"
    for kernels in (first, second):
        kernels.mkdir()
    with font_cache.FontCache(first) as fonts:
        assert fonts.proc is not None  # no kept cache yet: the helper builds one
        assert font_cache.font_cache_ready(first, timeout=60)
    kept = font_cache.kept_font_cache()
    assert kept.is_relative_to(tmp_path / "cache") and list(kept.glob("fontlist*.json"))
    with font_cache.FontCache(second) as fonts:
        assert fonts.proc is None  # no helper at all: copied from the kept one
        assert font_cache.font_cache_ready(second, timeout=0)
        assert sorted(f.name for f in font_cache.font_cache(second).glob("fontlist*.json")) == sorted(
            f.name for f in kept.glob("fontlist*.json"))
    # nowhere to keep it (the cache folder is a file): the helper still builds the kernels' cache
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    third = tmp_path / "third"
    third.mkdir()
    font_cache.build_font_cache(third)
    assert font_cache.font_cache_ready(third, timeout=0)
    assert list(font_cache.font_cache(third).glob("fontlist*.json"))


def test_the_histogram_counts_every_score_and_describes_itself():
    import xml.etree.ElementTree as ET

    from autograder.engine import histogram

    scores = [0.0, 2.5, 2.5, 7.0, 29.0, 29.0, 29.0]
    edges, counts = histogram.bins_of(scores, 29.0)
    assert len(edges) == len(counts) + 1 == 21 and edges[0] == 0 and edges[-1] == 29.0
    assert sum(counts) == len(scores) and counts[-1] == 3 and counts[0] == 1  # the top score is in the last bin
    svg = ET.fromstring(histogram.svg(scores, 29.0, "03_<attention>"))
    ns = "{http://www.w3.org/2000/svg}"
    bars = svg.findall(f"{ns}rect[@class='bar']")
    assert sorted(int(b.get("data-count")) for b in bars) == sorted(c for c in counts if c)
    tallest = max(bars, key=lambda b: int(b.get("data-count")))
    assert all(float(b.get("height")) <= float(tallest.get("height")) for b in bars)
    assert {b.get("fill") for b in bars} == {"#0072B2"}  # Okabe-Ito blue
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "title desc"
    assert svg.find(f"{ns}title").text == "03_<attention>: 7 submissions"  # escaped in the file, read back here
    assert "3 with full marks" in svg.find(f"{ns}desc").text
    texts = [t.text or "" for t in svg.iter(f"{ns}text")]
    assert "score (points out of 29)" in texts and "number of students" in texts
    assert min(float(t.get("font-size")) for t in svg.iter(f"{ns}text")) >= 14
    empty = ET.fromstring(histogram.svg([], 0.0, "none"))  # no submission graded: still a figure, no bar
    assert not empty.findall(f"{ns}rect[@class='bar']")


def test_a_hidden_cell_s_error_is_shown_once_without_its_lines():
    from autograder.engine.preprocessors.hide_hidden_tests import HideHiddenTests

    cell = nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\ncheck_close(add(x, y), z, 'add')\n### END HIDDEN TESTS")
    cell.metadata["nbgrader"] = {"points": 2}
    plain_mode = ["Traceback \x1b[36m(most recent call last)\x1b[39m:\n",
                  "  Cell \x1b[92mIn[3]\x1b[39m, line 2\n    check_close(add(x, y), z, 'add')\n",
                  "  File qkvlab/checks.py:26 in _fail\n    raise ExerciseFailure(message)\n",
                  "\x1b[31mExerciseFailure\x1b[39m\x1b[31m:\x1b[39m add: values differ\n"]
    cell.outputs = [nbformat.v4.new_output("error", ename="ExerciseFailure", evalue="add: values differ",
                                           traceback=plain_mode)]
    cell, _ = HideHiddenTests().preprocess_cell(cell, {}, 0)
    shown = "".join(cell.outputs[0].traceback) + cell.source
    assert "check_close(add" not in shown and shown.count("add: values differ") == 1, shown


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])  # with 2, the class starts beside the reference: none may be recorded
def test_a_memory_limit_too_low_for_the_reference_stops_the_command(tmp_path, jobs):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("Ada", "Grace", "Alan"):
        shutil.copy(REFERENCE, folder / f"{name}.ipynb")
    result = run_grade(folder, tmp_path / "out", "--jobs", jobs, "--memory", "16", check=False)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "reference solution of 00_toy does not get full marks" in result.stderr
    assert "The limit that broke it: --memory 16." in result.stderr
    assert "A value that works: --memory " in result.stderr, result.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()
    assert not list((tmp_path / "out").glob("nbgrader/autograded/*")), "a learner was graded before calibration passed"


@pytest.mark.slow
def test_jobs_zip_unicode_and_regrading_give_identical_grades(tmp_path):
    release = release_of(tmp_path)
    folder = tmp_path / "class"
    folder.mkdir()
    names = {"Zoë Müller": REFERENCE, "李小龙": release, "O'Brien, Ana-María": REFERENCE}
    for name, source in names.items():
        (folder / name).mkdir()
        shutil.copy(source, folder / name / "Untitled (3).ipynb")
    write_class(folder, REFERENCE, release, names=["always-equal object", "deleted test cells, right answers"])
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in folder.rglob("*"):
            z.write(path, path.relative_to(folder))
    one = run_grade(folder, tmp_path / "one", "--jobs", "1")
    rows_one = read_rows(tmp_path / "one")
    run_grade(archive, tmp_path / "two", "--jobs", "2")
    rows_two = read_rows(tmp_path / "two")
    assert set(rows_one) == set(names) | {"hostile: always-equal object", "hostile: deleted test cells, right answers"}
    strip = lambda rows: {s: {k: v for k, v in r.items()} for s, r in rows.items()}
    assert strip(rows_one) == strip(rows_two)
    assert float(rows_one["Zoë Müller"]["score"]) == 6.0 and float(rows_one["李小龙"]["score"]) == 0.0
    assert (tmp_path / "one" / "feedback" / "李小龙.html").exists()
    assert "graded" in one.stdout and "status:" in one.stdout  # the summary table
    # grading again into the same folder replaces every grade and gives the same scores
    run_grade(folder, tmp_path / "one", "--jobs", "2")
    assert strip(read_rows(tmp_path / "one")) == strip(rows_one)
    # one learner regraded alone, with one job (graded in the command's own process), gets the same row
    single = tmp_path / "single" / "Zoë Müller"
    single.mkdir(parents=True)
    shutil.copy(REFERENCE, single / "Untitled (3).ipynb")
    run_grade(single.parent, tmp_path / "one", "--jobs", "1")
    assert strip(read_rows(tmp_path / "one"))["Zoë Müller"] == strip(rows_one)["Zoë Müller"]


@pytest.mark.slow
def test_feedback_maths_renders_in_a_browser_that_runs_no_script(hostile_run, tmp_path):
    """The reference's feedback page in Chromium: the formula is laid out as MathML, and the page's CSP
    stops a script planted in it (so nothing in a feedback page can run)."""
    from tests.browser import start_chromium

    page = (hostile_run["out"] / "feedback" / "Ada Lovelace.html").read_text(encoding="utf-8")
    planted = page.replace("</body>", "<script>document.title = 'script ran';</script></body>")
    (tmp_path / "feedback.html").write_text(planted, encoding="utf-8")
    driver = start_chromium(tmp_path / "profile")
    try:
        driver.get((tmp_path / "feedback.html").as_uri())
        sizes = driver.execute_script(
            "return Array.from(document.querySelectorAll('math')).map(m => m.getBoundingClientRect().width)")
        title = driver.title
    finally:
        driver.quit()
    assert sizes and all(width > 0 for width in sizes), f"MathML not laid out: widths {sizes}"
    assert title != "script ran", "a script ran in a feedback page"

