"""The committed student notebooks (notebooks/) are exactly what `make release` makes
from solutions/, and they give nothing away."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from autograder import course, gitfiles, release

SECRETS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
ASSIGNMENTS = course.assignments()


# What JupyterLab, Python and editors leave beside a learner's notebook; .gitignore lists every one.
LEARNER_LITTER = (
    ".ipynb_checkpoints/{stem}-checkpoint.ipynb", "__pycache__/helpers.cpython-311.pyc",
    ".virtual_documents/{stem}.ipynb", ".~{stem}.ipynb", ".nbgrader.log", ".jupyter_ystore.db", ".DS_Store",
)


def released_assignments() -> list[str]:
    return sorted({p.parts[0] for p in gitfiles.tracked_files(course.RELEASE) if len(p.parts) > 1})


def test_every_assignment_is_released():
    assert released_assignments() == ASSIGNMENTS, (
        "notebooks/ and solutions/ hold different assignments: run `make release`"
    )


def assert_release_matches(assignment: str, fresh: Path, committed: Path) -> None:
    """The files git would track in ``committed`` are exactly the fresh release, byte for byte."""
    fresh_files = gitfiles.tracked_files(fresh)
    committed_files = gitfiles.tracked_files(committed)
    assert fresh_files == committed_files, (
        f"notebooks/{assignment} has other files than a fresh release ({[str(p) for p in fresh_files]} vs "
        f"{[str(p) for p in committed_files]}): make release"
    )
    for name in fresh_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"notebooks/{assignment}/{name} differs from a fresh release of solutions/{assignment}: "
            "run `make release` (never edit notebooks/ by hand)"
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_matches_a_fresh_generation(assignment, tmp_path):
    fresh = release.build_release(assignment, tmp_path)
    assert_release_matches(assignment, fresh, course.RELEASE / assignment)


def litter(folder: Path, stem: str) -> list[Path]:
    """Leave LEARNER_LITTER in ``folder`` (each file new); return what was made, for clean-up."""
    made = []
    for pattern in LEARNER_LITTER:
        path = folder / pattern.format(stem=stem)
        assert not path.exists(), f"{path} exists already: the test would delete it"
        path.parent.mkdir(exist_ok=True)
        path.write_text("{}\n", encoding="utf-8")
        made.append(path)
    return made


def clean(made: list[Path]) -> None:
    for path in made:
        path.unlink(missing_ok=True)
        if path.parent.name.startswith(".") or path.parent.name == "__pycache__":
            if path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()


def test_a_learners_jupyterlab_files_leave_the_course_intact(tmp_path):
    """Files JupyterLab and Python leave in notebooks/ and solutions/ (what .gitignore ignores) change no
    check: the release still matches a fresh one, `make release` neither releases nor deletes them, and
    git and the no-git fallback agree on what they skip."""
    assignment = ASSIGNMENTS[0]
    stem = course.notebook_name(assignment)
    committed = course.RELEASE / assignment
    made = litter(committed, stem) + litter(course.SOLUTIONS / assignment, stem)
    try:
        ignored = subprocess.run(["git", "check-ignore", *map(str, made)], cwd=course.REPO,
                                 capture_output=True, text=True).stdout.split()
        assert sorted(ignored) == sorted(map(str, made)), "git does not ignore every file the test leaves"
        fresh = release.build_release(assignment, tmp_path)
        assert_release_matches(assignment, fresh, committed)
        assert released_assignments() == ASSIGNMENTS
        for folder in (committed, course.SOLUTIONS / assignment):
            assert gitfiles.tracked_files(folder) == gitfiles.ignore_filter(folder) == [Path(f"{stem}.ipynb")]
        # `make release` into a folder holding learner litter: the litter stays, the release is right.
        out = tmp_path / "out"
        shutil.copytree(committed, out / assignment)
        release.build_release(assignment, out)
        assert all((out / assignment / p.relative_to(committed)).exists() for p in made[: len(LEARNER_LITTER)])
        assert_release_matches(assignment, fresh, out / assignment)
    finally:
        clean(made)


def test_the_gitignore_fallback_reads_gitignore_like_git():
    rules = gitfiles.ignore_rules()
    cases = {
        ("notebooks/01/.ipynb_checkpoints", True): True, ("notebooks/01/x.ipynb", False): False,
        ("qkvlab/__pycache__", True): True, ("qkvlab/x.pyc", False): True, ("autograder/runs", True): True,
        ("solutions/autograder/runs", True): False, ("book/.~page.md", False): True, ("book/runs", True): False,
        ("_build", False): False,  # a file named like an ignored folder is not ignored
    }
    for (path, is_dir), expected in cases.items():
        assert gitfiles.is_ignored(PurePosixPath(path), is_dir, rules) is expected, path


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_secret_and_no_output(assignment):
    path = course.RELEASE / assignment / f"{course.notebook_name(assignment)}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        text = "".join(cell["source"])
        leaked = [marker for marker in SECRETS if marker in text]
        assert not leaked, f"{path.name} cell {index} contains {leaked[0]!r}"
        if cell["cell_type"] == "code":
            assert not cell["outputs"], f"{path.name} cell {index} has stored outputs"
    hidden = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id", "").endswith("_hidden")]
    for cell in hidden:
        code = [line for line in "".join(cell["source"]).splitlines() if line.strip() and not line.startswith("#")]
        grade_id = cell["metadata"]["nbgrader"]["grade_id"]
        assert not code, f"hidden test cell {grade_id} shows code to learners: {code[:2]}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_is_scaffolded(assignment):
    """Each solution cell has a docstring with shapes or types, a difficulty and a time estimate."""
    path = course.SOLUTIONS / assignment / f"{course.notebook_name(assignment)}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("solution"):
            continue
        text = "".join(cell["source"]).lower()
        for word in ('"""', "difficulty", "minutes"):
            if word not in text:
                problems.append(f"{meta['grade_id']}: no {word!r} in its cell (docstring, difficulty, time estimate)")
    assert not problems, "\n".join(problems)


def test_generated_course_config_loads_in_a_fresh_process(tmp_path):
    """traitlets skips a configuration file that raises, logging one line: prove ours loads, settings and all."""
    import subprocess
    import sys

    course.write_config(tmp_path)
    probe = (
        "from traitlets.config.loader import PyFileConfigLoader\n"
        f"c = PyFileConfigLoader('nbgrader_config.py', path={str(tmp_path)!r}).load_config()\n"
        "print(c.OverwriteCells.add_missing_cells, c.Autograde.autograde_preprocessors[0].__name__)\n"
    )
    # -I: no current folder or PYTHONPATH on sys.path, as when nbgrader runs from the course folder
    result = subprocess.run([sys.executable, "-I", "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, f"the generated nbgrader_config.py does not load:\n{result.stderr}"
    assert result.stdout.split() == ["True", "IPCExecute"], result.stdout


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hosted_setup_cell_fetches_this_repository(assignment):
    """The first code cell lets Colab run the notebook: it must fetch the repository the launch buttons name."""
    import re

    import yaml

    repository = yaml.safe_load((course.REPO / "_config.yml").read_text(encoding="utf-8"))["repository"]
    path = course.RELEASE / assignment / f"{course.notebook_name(assignment)}.ipynb"
    code = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    first = "".join(code[0]["source"])
    assert 'find_spec("qkvlab") is None' in first, f"{path.name}: the first code cell is not the hosted set-up cell"
    url = re.search(r'COURSE_URL = "([^"]+)"', first)
    branch = re.search(r'COURSE_BRANCH = "([^"]+)"', first)
    assert url and branch, f"{path.name}: the set-up cell names no COURSE_URL / COURSE_BRANCH"
    assert (url[1], branch[1]) == (repository["url"], repository["branch"]), (
        f"{path.name} fetches {url[1]}@{branch[1]} but _config.yml's launch buttons open "
        f"{repository['url']}@{repository['branch']}: change both together"
    )
