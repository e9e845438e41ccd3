"""The learner kit (autograder/learner_kit.py) and the rule that learners never get an answer.

* the export: only tracked learner files, deterministic, no instructor-only path;
* (a) the answer-leak scan: every public callable or class reachable from the kit is tried in place of every
  graded function/class of every assignment (discovered from solutions/), against its hidden tests; none may pass;
* (b) the text scan: no solution line and no hidden-test line appears in any file of the kit (the website: in the
  slow test, after building it from the kit);
* (c) slow: a clean copy of the kit, a fresh virtualenv, its README's commands; the reference answers pasted
  into its notebooks are graded by this repository's grader in the bank (tests/test_bank.py, reference-trimmed);
* (d) slow: a graded submission that lists and reads everything it can reach finds only the kit.
"""

from __future__ import annotations

import builtins
import hashlib
import html
import importlib
import importlib.util
import inspect
import json
import os
import pkgutil
import random
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import yaml

from autograder import bank, course, learner_kit
from tests import kit_build

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENTS = course.assignments()  # data-driven: a new chapter in solutions/ is scanned without edits here
MIN_CHARS = 20  # a line of at least this many non-blank characters must not leak


def manifest(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Relative path -> (sha256, mode, mtime) of every file and folder under ``folder``."""
    out = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        out[path.relative_to(folder).as_posix()] = (digest, st.st_mode, int(st.st_mtime))
    return out


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kit") / "learner"
    learner_kit.export(out)
    return out


# --------------------------------------------------------------------------- the export


def test_export_is_deterministic_and_replaces_an_earlier_export(kit, tmp_path):
    again = tmp_path / "again"
    learner_kit.export(again)
    assert manifest(again) == manifest(kit)
    (again / "stale.txt").write_text("left from last term")
    (again / ".git").mkdir()
    (again / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    learner_kit.export(again)
    assert not (again / "stale.txt").exists() and (again / ".git" / "HEAD").exists()
    shutil.rmtree(again / ".git")
    assert manifest(again) == manifest(kit)


def test_export_refuses_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "mine.txt").write_text("not a kit")
    with pytest.raises(RuntimeError, match="not written by export-learner"):
        learner_kit.export(tmp_path)
    assert (tmp_path / "mine.txt").exists()
    with pytest.raises(ValueError, match="over the repository"):
        learner_kit.export(REPO)


def test_kit_holds_the_learner_files_and_nothing_instructor_only(kit):
    files = {p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file()}
    tracked = set(learner_kit.tracked_files())
    generated = set(learner_kit.GENERATED)
    assert files - generated <= tracked, f"untracked files exported: {sorted(files - generated - tracked)}"
    for top in ("solutions", "autograder", "instructor", "tests", ".ci", ".git"):
        assert not (kit / top).exists(), f"{top}/ must not be in the learner kit"
    assert not [f for f in files if f.startswith("scripts/") and "train" in f or "grade" in f]
    assert not [f for f in files if ".ipynb_checkpoints" in f or "__pycache__" in f or f.endswith(".pyc")]
    for assignment in ASSIGNMENTS:
        name = course.notebook_name(assignment)
        assert f"notebooks/{assignment}/{name}.ipynb" in files
    for needed in ("qkvlab/__init__.py", "_config.yml", "_toc.yml", "binder/postBuild", "data/poetry.txt",
                   "README.md", "Makefile", "pyproject.toml", "requirements.txt"):
        assert needed in files, needed
    # every asset and data file that a page or notebook of the kit names is in the kit
    for path in sorted(kit.glob("book/**/*.md")) + sorted(kit.glob("notebooks/*/*.ipynb")):
        for ref in re.findall(r"((?:assets|data)/[\w./-]+\.\w+)", path.read_text(encoding="utf-8")):
            assert (kit / ref).is_file(), f"{path.relative_to(kit)} needs {ref}, which is not in the kit"
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert "make book" in readme and "make lab" in readme
    makefile = (kit / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^book:", makefile, re.M) and re.search(r"^lab:", makefile, re.M)


def test_config_names_the_learner_repository_and_no_placeholder_button():
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["url"].startswith("https://") and config["repository"]["branch"]
    for key, url in config.get("launch_buttons", {}).items():
        if key.endswith("_url") and url:
            host = re.sub(r"^https?://([^/]+).*", r"\1", url)
            assert not re.search(r"(^|\.)(example\.(org|com|net)|localhost)$|placeholder", host), (
                f"launch_buttons.{key} = {url}: a live button points at a placeholder; empty it to hide the button")


# --------------------------------------------------------------------------- reference notebooks


def cells(assignment: str) -> list[dict]:
    path = REPO / "solutions" / assignment / f"{course.notebook_name(assignment)}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_names(assignment: str) -> list[str]:
    return [nbgrader_meta(c)["grade_id"] for c in cells(assignment)
            if c["cell_type"] == "code" and nbgrader_meta(c).get("solution")]


def marked_lines(text: str, begin: str, end: str) -> list[str]:
    """Lines between the markers (outside them: nothing)."""
    found, inside = [], False
    for line in text.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            found.append(line)
    return found


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def secret_lines() -> dict[str, str]:
    """Squashed solution-body and hidden-test lines of every assignment -> where they come from."""
    secrets = {}
    for assignment in ASSIGNMENTS:
        for cell in cells(assignment):
            source = "".join(cell["source"])
            for begin, end in (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")):
                for line in marked_lines(source, begin, end):
                    if len(squash(line)) >= MIN_CHARS:
                        secrets[squash(line)] = f"{assignment}: {line.strip()}"
    return secrets


def shown_to_learners() -> str:
    """What learners see anyway, squashed: the sources of every student notebook (the release)."""
    return "\n".join(squash("".join(cell["source"])) for path in sorted((REPO / "notebooks").glob("*/*.ipynb"))
                     for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])


def readable_text(path: Path) -> str:
    """The text a reader of ``path`` gets: notebook sources and outputs, HTML without tags, bytes as latin-1."""
    data = path.read_bytes()
    if path.suffix == ".ipynb":
        nb = json.loads(data)
        parts = []
        for cell in nb["cells"]:
            parts.append("".join(cell["source"]))
            parts.append(json.dumps(cell.get("outputs", []), ensure_ascii=False))
        return "\n".join(parts)
    text = data.decode("utf-8", errors="replace") if b"\0" not in data[:4096] else data.decode("latin-1")
    if path.suffix in {".html", ".htm", ".xml"}:
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def leaked_lines(folder: Path) -> list[str]:
    shown = shown_to_learners()
    secrets = {s: where for s, where in secret_lines().items() if s not in shown}
    assert secrets, "no solution or hidden-test line found in solutions/: the scan would test nothing"
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts[:-1]) and "_build" not in str(path):
            continue
        text = squash(readable_text(path))
        leaks += [f"{path.relative_to(folder)}: {where}" for s, where in secrets.items() if s in text]
    return leaks


#: Leaks found by the scan that this branch does not own: each must be fixed by the page's author, then removed
#: here (the test fails while an entry is listed but no longer found, so the list cannot go stale).
KNOWN_LEAKS: set[str] = set()  # every line a learner can reach that a solution also has; none today


def test_text_scan_finds_no_solution_or_hidden_test_line_in_the_kit(kit, capsys):
    leaks = leaked_lines(kit)
    new = [leak for leak in leaks if leak not in KNOWN_LEAKS]
    assert not new, "solution or hidden-test lines in the learner kit:\n" + "\n".join(new[:30])
    stale = sorted(KNOWN_LEAKS - set(leaks))
    assert not stale, "fixed, so remove them from KNOWN_LEAKS:\n" + "\n".join(stale)
    with capsys.disabled():
        print(f"\n[text scan] KNOWN, NOT FIXED (owner: the pages' author): {len(leaks)} line(s)")


def test_text_scan_can_fail(tmp_path):
    """A solution line planted in a copy of a page is found (the scan is not blind)."""
    secret = next(iter(secret_lines().values())).split(": ", 1)[1]
    (tmp_path / "page.md").write_text(f"# A page\n\n```python\n    {secret}\n```\n", encoding="utf-8")
    assert leaked_lines(tmp_path)


# --------------------------------------------------------------------------- (a) the answer-leak scan


def kit_callables(kit: Path) -> dict[str, object]:
    """Every public function, class and method defined in the kit's Python, and the callables of its
    TorchScript assets (the models, their methods and submodules): qualified name -> object."""
    import torch

    found: dict[str, object] = {}
    modules = []
    package = kit / "qkvlab"
    for info in pkgutil.walk_packages([str(package)], prefix="qkvlab."):
        module = importlib.import_module(info.name)
        assert (package / (info.name.split(".", 1)[1].replace(".", "/") + ".py")).read_bytes() == \
            Path(module.__file__).read_bytes(), f"{info.name}: the kit's copy differs from the one tested"
        modules.append(module)
    modules.append(importlib.import_module("qkvlab"))
    others = [p for p in sorted(kit.rglob("*.py")) if package not in p.parents]
    for i, path in enumerate(others):  # book/_ext, scripts/: reachable from the kit too
        spec = importlib.util.spec_from_file_location(f"_kit_module_{i}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    for module in modules:
        for name, obj in vars(module).items():
            if name.startswith("_") or not callable(obj) or getattr(obj, "__module__", None) != module.__name__:
                continue
            found[f"{module.__name__}.{name}"] = obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and callable(member):
                        found[f"{module.__name__}.{name}.{attr}"] = member
    for path in sorted(kit.rglob("*.ts")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            model = torch.jit.load(str(path), map_location="cpu")
        for sub_name, sub in [("", model), *model.named_modules()]:
            label = f"{path.relative_to(kit)}:{sub_name or 'model'}"
            found[label] = sub
            for method in sorted(sub._c._method_names()):
                if not method.startswith("_"):
                    found[f"{label}.{method}"] = getattr(sub, method)
    return found


def accepts(candidate, reference) -> bool:
    """Can ``candidate`` be called with the reference's required positional arguments?"""
    try:
        ref = inspect.signature(reference.__init__ if inspect.isclass(reference) else reference)
    except (TypeError, ValueError):
        return True
    required = [p for p in ref.parameters.values()
                if p.name != "self" and p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    try:
        sig = inspect.signature(candidate)
    except (TypeError, ValueError):
        return True  # no signature (a compiled method): try it
    try:
        sig.bind(*range(len(required)))
    except TypeError:
        return False
    return True


def python_source(source: str) -> str:
    """A notebook cell as plain Python (IPython's ! and % lines become calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def not_implemented(*args, **kwargs):
    raise NotImplementedError()


def run_hidden_tests(namespace: dict, source: str) -> bool:
    """Run a hidden-test cell in ``namespace``; True when it passes (raises nothing)."""
    import torch

    state = torch.get_rng_state(), np.random.get_state(), random.getstate()
    streams = sys.stdout, sys.stderr  # a candidate may redirect them
    real_open = builtins.open

    def open_no_descriptor(file, *args, **kwargs):  # read_training_log(13) would open and then close fd 13
        if isinstance(file, int):
            raise TypeError("the leak scan does not let a candidate open a file descriptor by number")
        return real_open(file, *args, **kwargs)

    builtins.open = open_no_descriptor
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, "<hidden tests>", "exec"), namespace)
        return True
    except BaseException as error:  # noqa: BLE001 - any failure, even SystemExit, means "did not pass"
        if isinstance(error, KeyboardInterrupt):
            raise
        return False
    finally:
        builtins.open = real_open
        sys.stdout, sys.stderr = streams
        torch.set_rng_state(state[0])
        np.random.set_state(state[1])
        random.setstate(state[2])


def scan(assignment: str, candidates: dict[str, object]) -> tuple[dict[str, int], list[str]]:
    """Execute the reference notebook (demo cells skipped); right before each hidden-test cell, put every candidate
    that accepts the exercise's arguments in place of the answer and run that cell. Returns the number of candidates
    tried per answer and the ones that passed. The reference must pass and a stub must fail in the same harness."""
    import matplotlib

    matplotlib.use("agg")
    namespace: dict = {"__name__": "__main__"}
    tried: dict[str, int] = {}
    passed: list[str] = []
    cwd = os.getcwd()
    os.chdir(REPO / "solutions" / assignment)
    try:
        for cell in cells(assignment):
            meta = nbgrader_meta(cell)
            if cell["cell_type"] != "code" or "demo" in cell.get("metadata", {}).get("tags", []):
                continue
            source = python_source("".join(cell["source"]))
            name = meta.get("grade_id", "")
            target = name[len("test_"):-len("_hidden")] if name.startswith("test_") and name.endswith("_hidden") \
                else None
            if target in namespace:
                reference = namespace[target]
                stub = type(target, (), {"__init__": not_implemented}) if inspect.isclass(reference) \
                    else not_implemented
                namespace[target] = stub
                assert not run_hidden_tests(namespace, source), f"{name}: a stub passes, the tests cannot fail"
                tried[target] = 0
                for label, candidate in candidates.items():
                    if not accepts(candidate, reference):
                        continue
                    tried[target] += 1
                    namespace[target] = candidate
                    if run_hidden_tests(namespace, source):
                        passed.append(f"{label} passes the hidden tests of {target}")
                namespace[target] = reference
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(source, f"<{assignment} cell {name or 'plain'}>", "exec"), namespace)
    finally:
        os.chdir(cwd)
        import matplotlib.pyplot as plt

        plt.close("all")
    hidden = {nbgrader_meta(c).get("grade_id") for c in cells(assignment)}
    assert set(tried) == {n for n in graded_names(assignment) if f"test_{n}_hidden" in hidden}
    return tried, passed


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_callable_of_the_kit_passes_any_hidden_test(assignment, kit, capsys):
    candidates = kit_callables(kit)
    tried, passed = scan(assignment, candidates)
    with capsys.disabled():
        print(f"\n[leak scan] {assignment}: {len(candidates)} kit callables; candidates tried per answer: "
              + ", ".join(f"{k} {v}" for k, v in tried.items()) + f" (total {sum(tried.values())})")
    assert not passed, "answers importable from the learner kit:\n" + "\n".join(passed)


def test_leak_scan_catches_the_instructor_models():
    """The scan is not blind: the instructor's tiny GPT code (what qkvlab.tinygpt held before) is caught."""
    from instructor import tiny_gpt

    candidates = {f"instructor.tiny_gpt.{n}": getattr(tiny_gpt, n) for n in ("shifted_cross_entropy", "sample", "MLP")}
    _, passed = scan("04_transformer", candidates)
    assert any("shifted_cross_entropy passes the hidden tests of lm_loss" in p for p in passed), passed


# --------------------------------------------------------------------------- (d) what the graded kernel sees

PROBE = '''
def add(a, b):
    """Elementwise sum. a, b: (n,) -> (n,)."""
    return np.asarray(a) + np.asarray(b)


import json, os, sys
import qkvlab
SYSTEM = {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys", "usr", "var"}
KIT = os.path.dirname(os.path.dirname(os.path.realpath(qkvlab.__file__)))
ALLOWED = [KIT, os.getcwd()] + PYTHON_ROOTS
kit_files, unexpected, unreadable, total = [], [], [], 0
for top in sorted(os.listdir("/")):
    if top in SYSTEM:
        continue
    for root, dirs, files in os.walk("/" + top):
        if any(root == r or root.startswith(r + "/") for r in PYTHON_ROOTS):
            dirs[:] = []  # the Python installation and virtualenv: allowed as a whole, not worth reading
            continue
        for name in files:
            path = os.path.join(root, name)
            total += 1
            inside = next((a for a in ALLOWED if path.startswith(a.rstrip("/") + "/")), None)
            if inside is None:
                unexpected.append(path)
            elif inside == KIT:
                kit_files.append(os.path.relpath(path, KIT))
            if inside in (None, KIT):
                try:
                    with open(path, "rb") as handle:
                        handle.read()
                except OSError:
                    unreadable.append(path)
print("PROBE" + json.dumps({"kit": KIT, "qkvlab": qkvlab.__file__, "unexpected": unexpected[:100],
                            "n_unexpected": len(unexpected), "unreadable": unreadable[:20], "kit_files": kit_files,
                            "total": total, "repo_visible": os.path.exists(REPO_PATH + "/solutions")}))
'''


@pytest.mark.slow
def test_graded_kernel_reaches_only_the_learner_kit(tmp_path):
    """A submission that lists and reads every file it can reach outside the system folders finds the learner kit,
    the Python installation and virtualenv, and its own working folder: nothing else of the course."""
    from autograder import sandbox
    from autograder.engine import isolation
    from autograder.grade import student_id

    features = isolation.probe()
    if features.get("filesystem"):
        pytest.skip(f"no mount namespace here: {features['filesystem']}")
    fixtures = REPO / "tests" / "fixtures" / "solutions"
    nb = json.loads((fixtures / "00_toy" / "00_toy.ipynb").read_text(encoding="utf-8"))
    roots = set()
    for path in (sys.base_prefix, sys.prefix, os.path.realpath(sys.executable)):
        found = sandbox._blocking_ancestor(path)  # the sandbox binds back this whole child of a private folder
        roots.add(found[1] if found else path)
    for cell in nb["cells"]:
        if nbgrader_meta(cell).get("grade_id") == "add":
            cell["source"] = f"PYTHON_ROOTS = {sorted(roots)!r}\nREPO_PATH = {str(REPO)!r}\n" + PROBE
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "prober.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "00_toy", str(folder), "--out", str(out), "--solutions",
         str(fixtures), "--quiet", "--timeout", "120"], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    graded = out / "nbgrader" / "autograded" / student_id("prober") / "00_toy" / "00_toy.ipynb"
    text = "".join("".join(o.get("text", "")) for c in json.loads(graded.read_text(encoding="utf-8"))["cells"]
                   for o in c.get("outputs", []))
    assert "PROBE" in text, f"the probe printed nothing: {(out / 'grades.csv').read_text(encoding='utf-8')}"
    report = json.loads(text.split("PROBE", 1)[1].splitlines()[0])
    assert "/qkv-kernels-" in report["kit"] and report["kit"].endswith(".learner-kit"), report["kit"]
    assert report["qkvlab"].startswith(report["kit"] + "/"), "the kernel imported qkvlab from outside the kit"
    assert not report["repo_visible"], "the kernel can see the instructor repository's solutions/"
    assert report["n_unexpected"] == 0, f"the kernel reaches files outside the kit: {report['unexpected']}"
    assert not report["unreadable"], report["unreadable"]
    assert sorted(report["kit_files"]) == sorted(learner_kit.plan()), "the kernel's kit differs from an export"
    assert report["total"] >= len(report["kit_files"]) + 1  # its own working folder too


# --------------------------------------------------------------------------- (c) a clean copy on a fresh virtualenv


SETUP_CELLS = r'''
import sys, tempfile
from pathlib import Path
import nbformat
from nbclient import NotebookClient
sys.path.insert(0, "scripts")
import execute_pages  # the kit's own page runner: kernels forked warm from a zygote of this interpreter
home = tempfile.TemporaryDirectory()  # the zygote's socket and log
zygote = execute_pages._start_zygote([], home.name)
failed = 0
try:
    for path in map(Path, sys.argv[1:]):
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if c.cell_type == "code"][:2]  # the hosted set-up cell and the imports
        nb.cells.append(nbformat.v4.new_code_cell("import qkvlab; print('QKVLAB=' + qkvlab.__file__)"))
        try:
            NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(path.parent)}},
                           kernel_manager_class=execute_pages._warm_kernel_manager()).execute()
            print(path.name, [o.get("text", "") for o in nb.cells[-1].outputs][0].strip(), flush=True)
        except Exception as error:
            failed += 1
            print(f"{path.name} FAILED: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
finally:
    if zygote is not None:
        zygote.kill()
        zygote.wait()
    home.cleanup()
sys.exit(1 if failed else 0)
'''


@pytest.mark.slow
def test_fresh_copy_of_the_kit_builds_runs_and_grades(fresh_kit_build, tmp_path):
    copy, venv, build = fresh_kit_build.copy, fresh_kit_build.venv, fresh_kit_build.build
    env = kit_build.clean_environment()
    # 1. the README's first command, without its last step (serving): set up, execute the pages, build with -W
    #    (done once per session by tests/kit_build.py; the website tests reuse its executed pages)
    readme = (copy / "README.md").read_text(encoding="utf-8")
    assert "make book" in readme and "make lab" in readme
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    html = copy / "_build" / "html"
    assert (html / "index.html").exists() and list(html.glob("book/04_transformer/*.html"))
    leaks = [leak for leak in leaked_lines(html)
             if not any(known.split(": ", 2)[2] in leak and Path(known.split(":")[0]).stem in leak
                        for known in KNOWN_LEAKS)]
    assert not leaks, "solution or hidden-test lines on the website:\n" + "\n".join(leaks[:30])
    # 2. the README's second command opens notebooks/: every notebook's set-up cells run, on the kit's qkvlab
    #    (each in a fresh kernel, forked from one that imported torch: tests/test_warm_kernels.py shows it is the
    #    kernel a cold start gives)
    python = venv / "bin" / "python"
    notebooks = sorted(copy.glob("notebooks/*/*.ipynb"))
    assert len(notebooks) == len(ASSIGNMENTS), notebooks
    run = subprocess.run([str(python), "-c", SETUP_CELLS, *map(str, notebooks)], cwd=copy, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stderr[-3000:]
    for notebook in notebooks:
        assert f"{notebook.name} QKVLAB={copy}/qkvlab/__init__.py" in run.stdout, (notebook.name, run.stdout)
    # 3. the reference answers pasted into the kit's notebooks get full marks from this repository's grader: the
    #    bank grades exactly that (tests/test_bank.py, case reference-trimmed: bank.kit_notebook of a fresh export,
    #    in each assignment's class, under the class's limits). Here: the copy's notebooks, after its README's
    #    commands ran, are still byte for byte the notebooks the bank grades.
    learner_kit.export(tmp_path / "export")
    for assignment in ASSIGNMENTS:
        graded = bank.kit_notebook(tmp_path / "export", assignment)
        assert bank.kit_notebook(copy, assignment).read_bytes() == graded.read_bytes(), (
            f"{assignment}: the kit's notebook is not the one the bank grades with the reference answers")
