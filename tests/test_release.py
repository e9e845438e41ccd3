"""The committed student notebooks (notebooks/) are exactly what `make release` makes
from solutions/, and they give nothing away."""

from __future__ import annotations

import json

import pytest

from autograder import course, release

SECRETS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
ASSIGNMENTS = course.assignments()


def test_every_assignment_is_released():
    released = sorted(p.name for p in course.RELEASE.iterdir() if p.is_dir())
    assert released == ASSIGNMENTS, "notebooks/ and solutions/ hold different assignments: run `make release`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_matches_a_fresh_generation(assignment, tmp_path):
    fresh = release.build_release(assignment, tmp_path)
    committed = course.RELEASE / assignment
    fresh_files = sorted(p.name for p in fresh.iterdir())
    committed_files = sorted(p.name for p in committed.iterdir())
    assert fresh_files == committed_files, f"notebooks/{assignment} has other files than a fresh release: make release"
    for name in fresh_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"notebooks/{assignment}/{name} differs from a fresh release of solutions/{assignment}: "
            "run `make release` (never edit notebooks/ by hand)"
        )


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
