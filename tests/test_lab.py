"""The exercises where learners do them: JupyterLab, started like `make lab`, driven in headless Chromium.

JupyterLab runs through scripts/lab.sh (the command line `make lab` runs, with its settings file) on a free
port with a token, on a temporary copy of notebooks/, so the course is left as it was. For each assignment the
test opens the student notebook, runs its set-up cells, presses nbgrader's Validate button on the untouched
stub (it must fail), types a wrong and then a correct answer into the first exercise cell as a learner does
(click, select all, type, Shift+Enter) and reads its self-check cell, then validates a completed copy (it must
pass). Every other student notebook is opened too. Screenshots of each step go to _build/screenshots/lab/.
A last test opens and saves a notebook in the real notebooks/ folder and shows the release check still passes
while JupyterLab's files are there.

The time from opening a notebook to its set-up cells having run is printed (`pytest -s` shows it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from autograder import course, release
from tests.browser import drain_logs, screenshot, start_chromium
from tests.jupyterlab import (
    SHOTS,
    SLOW,
    cells,
    close_dialog,
    console_errors,
    cpu_seconds,
    jupyterlab,
    open_notebook,
    run_until,
    select_cell,
    shift_enter,
    stop_kernels,
    type_into,
    validate,
    wait_for,
    wait_ran,
)
from tests.test_release import assert_release_matches

pytestmark = pytest.mark.slow

REPO = course.REPO
ASSIGNMENTS = ["01_static_embeddings", "03_attention"]
# A likely first mistake for the first exercise of each assignment, and the words of the hint it must get.
WRONG_ANSWERS = {
    "01_static_embeddings": ("def cosine_similarity(A, B):\n    return A @ B.T\n",
                             "Hint: divide the dot product by the product of the two lengths"),
    "03_attention": ("def softmax(x, dim=-1):\n    e = torch.exp(x)\n    return e / e.sum(dim=dim, keepdim=True)\n",
                     "Hint: exp(1000) is inf in float32"),
}
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


# --------------------------------------------------------------------------------------------- notebooks


def notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def reference_sources(assignment: str) -> dict[str, str]:
    """Each solution cell's reference text (solutions/, markers removed), by grade_id: what a learner writes."""
    path = course.SOLUTIONS / assignment / f"{course.notebook_name(assignment)}.ipynb"
    found = {}
    for cell in notebook(path)["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            lines = "".join(cell["source"]).splitlines()
            found[meta["grade_id"]] = "\n".join(line for line in lines if line.strip() not in MARKERS) + "\n"
    return found


def complete(stub: dict, answers: dict[str, str]) -> dict:
    """The student notebook with every answer filled in: a finished learner's notebook."""
    done = json.loads(json.dumps(stub))
    for cell in done["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = answers[grade_id]
    return done


def layout(nb: dict) -> tuple[list[int], int, int, str]:
    """Set-up code cells, the first exercise cell, its self-check cell and the line that check prints on success."""
    kinds = [(c["cell_type"], c["metadata"].get("nbgrader", {})) for c in nb["cells"]]
    first = next(i for i, (_, m) in enumerate(kinds) if m.get("solution"))
    setup = [i for i, (kind, _) in enumerate(kinds[:first]) if kind == "code"]
    check = next(i for i, (_, m) in enumerate(kinds) if i > first and m.get("grade_id", "").endswith("_visible"))
    printed = re.findall(r'print\("([^"]+)"\)', "".join(nb["cells"][check]["source"]))
    assert printed, f"the self-check cell {check} prints no pass line"
    return setup, first, check, printed[-1]


# --------------------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def lab_copy(tmp_path_factory):
    """A copy of the student notebooks, each with a completed twin, served by JupyterLab."""
    root = tmp_path_factory.mktemp("lab")
    folder = root / "notebooks"
    for assignment in course.assignments():
        stem = course.notebook_name(assignment)
        (folder / assignment).mkdir(parents=True)
        shutil.copy(course.RELEASE / assignment / f"{stem}.ipynb", folder / assignment)
        if assignment not in ASSIGNMENTS:
            continue
        finished = complete(notebook(course.RELEASE / assignment / f"{stem}.ipynb"), reference_sources(assignment))
        (folder / assignment / f"{stem}_completed.ipynb").write_text(json.dumps(finished, indent=1), encoding="utf-8")
    with jupyterlab(folder, root) as lab:
        yield lab


@pytest.mark.parametrize("assignment", course.assignments())
def test_every_student_notebook_opens(assignment, browser, lab_copy):
    """Each notebook of the release opens in JupyterLab with all its cells, its kernel starts, no console error."""
    url, token, _ = lab_copy
    stem = course.notebook_name(assignment)
    drain_logs(browser)
    open_notebook(browser, url, token, f"{assignment}/{stem}.ipynb", len(notebook(course.RELEASE / assignment /
                                                                                   f"{stem}.ipynb")["cells"]))
    screenshot(browser, SHOTS / "opened" / f"{assignment}.png")
    errors, _ = console_errors(browser)
    stop_kernels(url, token)
    assert not errors, f"console errors on opening {assignment}: {errors}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_learner_works_an_exercise_in_jupyterlab(assignment, browser, lab_copy):
    url, token, server = lab_copy
    stem = course.notebook_name(assignment)
    stub = notebook(course.RELEASE / assignment / f"{stem}.ipynb")
    setup, first, check, pass_line = layout(stub)
    shots = SHOTS / assignment
    shutil.rmtree(shots, ignore_errors=True)
    drain_logs(browser)

    # Open the notebook and run its set-up cells: the number a learner waits for.
    processes = (server, browser.service.process.pid)  # JupyterLab with its kernels, chromedriver with Chromium
    cpu_before = cpu_seconds(*processes)
    started = time.perf_counter()
    open_notebook(browser, url, token, f"{assignment}/{stem}.ipynb", len(stub["cells"]))
    opened = time.perf_counter() - started
    screenshot(browser, shots / "1_opened.png")
    select_cell(browser, 0)
    run_until(browser, 0, first)
    state = wait_ran(browser, setup, "the set-up cells did not run")
    ready = time.perf_counter() - started
    cpu = cpu_seconds(*processes) - cpu_before
    screenshot(browser, shots / "2_setup_ran.png")
    timing = (f"{assignment}: notebook open after {opened:.1f} s, set-up cells run after {ready:.1f} s (wall); "
              f"CPU {cpu:.1f} s (JupyterLab, kernel, Chromium); load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
    (shots / "timing.txt").write_text(timing + "\n", encoding="utf-8")
    print("\n" + timing)
    failed = {i: state[i]["output"][-800:] for i in setup if state[i]["errors"]}
    assert not failed, f"set-up cells wrote errors or warnings: {failed}"

    # Validate on the untouched stub: nbgrader says it fails.
    passed, text = validate(browser)
    screenshot(browser, shots / "3_validate_stub.png")
    close_dialog(browser)
    assert not passed and "failed" in text, f"Validate passed the untouched stub of {assignment}:\n{text[:1000]}"

    # A wrong answer: the self-check shows the hint.
    wrong, hint = WRONG_ANSWERS[assignment]
    type_into(browser, first, wrong)
    shift_enter(browser)  # run the exercise cell, move to its self-check
    shift_enter(browser)  # run the self-check
    output = wait_ran(browser, [first, check], "the wrong answer and its self-check did not run")[check]["output"]
    screenshot(browser, shots / "4_wrong_answer.png")
    assert hint in output and pass_line not in output, f"the self-check after a wrong answer shows:\n{output[-1500:]}"

    # The correct answer: the self-check prints its pass line.
    before = cells(browser)[check]["prompt"]
    type_into(browser, first, reference_sources(assignment)[stub["cells"][first]["metadata"]["nbgrader"]["grade_id"]])
    shift_enter(browser)
    shift_enter(browser)
    wait_for(browser, lambda d: cells(d)[check]["prompt"] != before and re.fullmatch(
        r"\[\d+\]:", cells(d)[check]["prompt"].strip()), SLOW, "the self-check did not run again")
    output = cells(browser)[check]["output"]
    screenshot(browser, shots / "5_right_answer.png")
    assert pass_line in output and "Hint" not in output, f"the self-check after the right answer shows:\n{output}"

    # Validate on a completed notebook: nbgrader says it passes.
    completed = f"{assignment}/{stem}_completed.ipynb"
    open_notebook(browser, url, token, completed, len(stub["cells"]))
    passed, text = validate(browser)
    screenshot(browser, shots / "6_validate_completed.png")
    close_dialog(browser)
    assert passed and "Success" in text, f"Validate failed the completed {assignment}:\n{text[:2000]}"

    errors, requests = console_errors(browser)
    assert not errors, f"console errors in JupyterLab: {errors}"
    outside = [u for u in requests if urllib.parse.urlparse(u).scheme not in ("data", "blob")
               and urllib.parse.urlparse(u).hostname != "127.0.0.1"]
    assert not outside, f"JupyterLab asked the internet for {outside[:5]}"
    stop_kernels(url, token)


def test_opening_and_saving_in_the_course_leaves_the_release_check_passing(browser, tmp_path):
    """`make lab`, open a notebook, save it: JupyterLab's files in notebooks/ (.ipynb_checkpoints/ ...) are
    ignored by git and so by the release check. The notebook itself is restored afterwards."""
    assignment = ASSIGNMENTS[0]
    stem = course.notebook_name(assignment)
    path = course.RELEASE / assignment / f"{stem}.ipynb"
    original = path.read_bytes()
    ignored_before = ignored_files()
    try:
        with jupyterlab(course.RELEASE, tmp_path) as (url, token, _):
            open_notebook(browser, url, token, f"{assignment}/{stem}.ipynb", len(notebook(path)["cells"]))
            select_cell(browser, 0)
            from selenium.webdriver.common.action_chains import ActionChains
            from selenium.webdriver.common.keys import Keys

            mtime = path.stat().st_mtime_ns
            ActionChains(browser).key_down(Keys.CONTROL).send_keys("s").key_up(Keys.CONTROL).perform()
            wait_for(browser, lambda d: path.stat().st_mtime_ns != mtime, 60, "Ctrl+S did not save the notebook")
            screenshot(browser, SHOTS / "saved_in_the_course.png")
            stop_kernels(url, token)
        left = ignored_files() - ignored_before
        assert any(".ipynb_checkpoints" in p.parts for p in left), f"JupyterLab left no checkpoint: {left}"
        path.write_bytes(original)  # a learner's edit would (rightly) fail the check: only the litter stays
        fresh = release.build_release(assignment, tmp_path / "fresh")
        assert_release_matches(assignment, fresh, course.RELEASE / assignment)
    finally:
        path.write_bytes(original)
        for extra in sorted(ignored_files() - ignored_before, key=lambda p: -len(p.parts)):
            (REPO / extra).unlink()
            parent = (REPO / extra).parent
            while parent != course.RELEASE and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent


def ignored_files() -> set[Path]:
    """Files under notebooks/ that git ignores."""
    out = subprocess.run(["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--", "notebooks"],
                         cwd=REPO, capture_output=True, check=True).stdout.decode()
    return {Path(p) for p in out.split("\0") if p}
