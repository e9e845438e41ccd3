"""A class on the demo JupyterHub (hub/), end to end: release, fetch, submit, collect, grade, feedback.

The module starts its own hub (`jupyterhub -f hub/jupyterhub_config.py`, with configurable-http-proxy from npm)
on free ports, with its own Unix accounts (one instructor, students A and B) and its own exchange in a fresh
folder, and removes all of them at the end. It drives the hub through its REST API (a service token creates the
users' tokens and starts their servers), runs nbgrader's instructor commands as the instructor's Unix user,
and uses headless Chromium for what only exists in the UI: the Assignment List's Fetch and Submit buttons.
Grading is `python -m autograder grade` on the collected submissions, run as root (the grader's sandbox
drops each kernel to a throwaway uid); feedback goes back through hub/place_feedback.py and
`nbgrader release_feedback`, and the students fetch it through their servers' nbgrader API.

The steps are tests that run in order and share one class; each waits generously (a 2-core CI machine) and
says what it was waiting for when it gives up. Needs root (LocalProcessSpawner starts servers as other users).
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "hub"))
import demo_course  # noqa: E402
import login_probe  # noqa: E402

from tests.test_website import browser  # noqa: E402, F401 - the website tests' headless Chromium, reused

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="the hub's LocalProcessSpawner needs root (make test runs as root)"),
]

ASSIGNMENT = "01_static_embeddings"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SHOTS = REPO / "_build" / "screenshots" / "hub"
WAIT = 300  # seconds for anything that starts a process on a busy 2-core machine
SECRET_MARKERS = ["### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to a login page) is an answer to check, not to follow


NO_REDIRECTS = urllib.request.build_opener(_NoRedirect)


# --------------------------------------------------------------------------------------------- the hub


class Hub:
    """A running demo hub and what the steps learn about it."""

    def __init__(self, state: Path) -> None:
        tag = f"{os.getpid() % 100000}"
        self.instructor, self.a, self.b = f"qkvt{tag}i", f"qkvt{tag}a", f"qkvt{tag}b"
        self.password = secrets.token_urlsafe(12)
        self.admin_token = secrets.token_hex(32)
        self.port = demo_course.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, QKV_HUB_STATE=str(state), QKV_HUB_INSTRUCTOR=self.instructor,
                        QKV_HUB_STUDENTS=f"{self.a},{self.b}", QKV_HUB_PASSWORD=self.password,
                        QKV_HUB_ADMIN_TOKEN=self.admin_token, QKV_HUB_PORT=str(self.port))
        self.state = state
        self.log = state / "jupyterhub.log"
        self.process: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}
        self.steps: dict = {}

    # ---- REST
    def api(self, method: str, path: str, token: str | None = None, body: dict | None = None,
            base: str = "/hub/api") -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{base}{path}", data=data, method=method)
        request.add_header("Authorization", f"token {token or self.admin_token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with NO_REDIRECTS.open(request, timeout=WAIT) as r:
                text = r.read().decode()
                return r.status, json.loads(text) if text.strip() else None
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def token(self, user: str) -> str:
        if user not in self.tokens:
            status, body = self.api("POST", f"/users/{user}/tokens", body={"note": "tests/test_hub.py"})
            assert status in (200, 201), f"could not create a token for {user}: {status} {body}"
            self.tokens[user] = body["token"]
        return self.tokens[user]

    def start_server(self, user: str) -> None:
        status, body = self.api("POST", f"/users/{user}/server")
        assert status in (201, 202, 400), f"could not start {user}'s server: {status} {body}"  # 400: running
        deadline = time.monotonic() + WAIT
        while True:
            status, model = self.api("GET", f"/users/{user}")
            server = (model.get("servers") or {}).get("", {}) if status == 200 else {}
            if server.get("ready"):
                return
            if time.monotonic() > deadline:
                pytest.fail(f"{user}'s server was not ready after {WAIT} s: {model}\n{self.tail()}")
            time.sleep(1)

    def user_api(self, user: str, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        """A request to the user's own single-user server, through the proxy, with the user's token."""
        return self.api(method, path, token=self.token(user), body=body, base=f"/user/{user}")

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "--- hub log (end) ---\n" + "\n".join(text.splitlines()[-lines:])

    # ---- running commands as a user
    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    @property
    def course_dir(self) -> Path:
        return self.home(self.instructor) / demo_course.COURSE_DIR

    def run_as(self, user: str, *args: str, cwd: Path | None = None, check: bool = True):
        """Run a command as the Unix user, with the environment the hub gives their server."""
        entry = pwd.getpwnam(user)
        course = demo_course.load_from(self.env)
        env = {"HOME": entry.pw_dir, "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
               **demo_course.environment(course, user, demo_course.user_python(course))}
        result = subprocess.run(list(args), cwd=cwd or entry.pw_dir, env=env, user=entry.pw_uid,
                                group=entry.pw_gid, extra_groups=[], capture_output=True, text=True,
                                timeout=WAIT)
        if check and result.returncode != 0:
            pytest.fail(f"`{' '.join(args)}` as {user} failed ({result.returncode}):\n{result.stdout}\n"
                        f"{result.stderr}")
        return result

    def nbgrader(self, user: str, *args: str, cwd: Path | None = None):
        python = demo_course.user_python(demo_course.load_from(self.env))
        return self.run_as(user, str(python), "-m", "nbgrader", *args, cwd=cwd)


@pytest.fixture(scope="module")
def hub():
    proxy = demo_course.PROXY
    if not proxy.exists():
        pytest.fail(f"configurable-http-proxy is missing ({proxy}): run `make setup` "
                    "(scripts/install_site_deps.sh installs it from npm)")
    # Every user must be able to reach the exchange: a 0755 folder in /tmp (pytest's tmp_path is private).
    state = Path(tempfile.mkdtemp(prefix="qkv-hub-test-", dir="/tmp"))
    state.chmod(0o755)
    h = Hub(state)
    before = folder_permissions()
    users = subprocess.run([sys.executable, str(REPO / "hub" / "create_users.py")], env=h.env,
                           capture_output=True, text=True, timeout=WAIT)
    try:
        assert users.returncode == 0, f"create_users.py failed:\n{users.stdout}\n{users.stderr}"
        with open(h.log, "w") as log:
            h.process = subprocess.Popen([str(demo_course.VENV_BIN / "jupyterhub"), "-f",
                                          str(REPO / "hub" / "jupyterhub_config.py")],
                                         cwd=state, env=h.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            login_probe.wait_for_hub(h.url, WAIT)
        except TimeoutError as e:
            pytest.fail(f"{e}\n{h.tail()}")
        yield h
    finally:
        stop(h)
    assert folder_permissions() == before, "create_users.py --remove did not put back the folders' permissions"


def folder_permissions() -> dict[str, tuple[int, int]]:
    return {name: (os.stat(REPO / name).st_gid, os.stat(REPO / name).st_mode & 0o7777)
            for name in demo_course.INSTRUCTOR_ONLY if (REPO / name).is_dir()}


def stop(h: Hub) -> None:
    """Stop the servers and the hub (it stops its proxy), delete the accounts and the state folder."""
    if h.process is not None and h.process.poll() is None:
        for user in (h.instructor, h.a, h.b):
            h.api("DELETE", f"/users/{user}/server")
        h.process.send_signal(signal.SIGINT)
        try:
            h.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            h.process.kill()
            h.process.wait(timeout=30)
    subprocess.run([sys.executable, str(REPO / "hub" / "create_users.py"), "--remove"], env=h.env,
                   capture_output=True, text=True, timeout=WAIT)
    if h.log.exists():  # kept for a look after a failure
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(h.log, SHOTS / "jupyterhub.log")
    shutil.rmtree(h.state, ignore_errors=True)


# --------------------------------------------------------------------------------------------- browser


def wait_for(driver, condition, what: str, timeout: float = WAIT):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.5).until(condition)
    except TimeoutException:
        shot = SHOTS / f"timeout-{re.sub(r'[^a-z0-9]+', '-', what.lower())}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shot))
        pytest.fail(f"waited {timeout:.0f} s for {what}; screenshot {shot}")


def browser_login(driver, hub: Hub, user: str) -> None:
    """Log in on the hub's login page and wait for the user's JupyterLab."""
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{hub.url}/hub/logout")
    driver.get(f"{hub.url}/hub/login")
    wait_for(driver, lambda d: d.find_elements(By.ID, "username_input"), "the hub's login form")
    driver.find_element(By.ID, "username_input").send_keys(user)
    driver.find_element(By.ID, "password_input").send_keys(hub.password)
    driver.find_element(By.ID, "login_submit").click()
    wait_for(driver, lambda d: f"/user/{user}/lab" in d.current_url, f"{user}'s JupyterLab after login")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item"), "JupyterLab's menu bar")


def open_assignment_list(driver) -> None:
    """Nbgrader → Assignment List, the way a student opens it."""
    from selenium.webdriver.common.by import By

    menus = wait_for(driver, lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
                                        if m.text.strip() == "Nbgrader"], "the Nbgrader menu")
    menus[0].click()
    items = wait_for(driver, lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, ".lm-Menu-item")
                                        if "Assignment List" in m.text], "the Assignment List menu item")
    items[0].click()


def click_button(driver, label: str, what: str) -> None:
    from selenium.webdriver.common.by import By

    buttons = wait_for(driver, lambda d: [b for b in d.find_elements(By.TAG_NAME, "button")
                                          if b.text.strip() == label and b.is_enabled()], what)
    buttons[0].click()


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def fetch_in_browser(driver, hub: Hub, user: str) -> None:
    browser_login(driver, hub, user)
    open_assignment_list(driver)
    click_button(driver, "Fetch", f"the Fetch button of {ASSIGNMENT} in {user}'s Assignment List")
    notebook = hub.home(user) / ASSIGNMENT / NOTEBOOK
    wait_for(driver, lambda d: notebook.exists(), f"{notebook} after Fetch")
    shot(driver, f"fetched-{user}")


def submit_in_browser(driver, hub: Hub, user: str, name: str) -> str:
    """Press Submit in the user's Assignment List; return the timestamp of the new submission."""
    before = submissions_of(hub, user)
    browser_login(driver, hub, user)
    open_assignment_list(driver)
    click_button(driver, "Submit", f"the Submit button of {ASSIGNMENT} in {user}'s Assignment List")
    new = wait_for(driver, lambda d: submissions_of(hub, user) - before, f"{user}'s submission in the exchange")
    shot(driver, name)
    (folder,) = new
    return (hub.state / "exchange" / "qkv" / "inbound" / folder / "timestamp.txt").read_text()


def submissions_of(hub: Hub, user: str) -> set[str]:
    inbound = hub.state / "exchange" / demo_course.load_from(hub.env).course_id / "inbound"
    return {p.name for p in inbound.glob(f"{user}+{ASSIGNMENT}+*")} if inbound.exists() else set()


def put_notebook(hub: Hub, user: str, source: Path) -> None:
    """The student's work: their fetched notebook becomes ``source`` (root writes it, the student owns it)."""
    target = hub.home(user) / ASSIGNMENT / NOTEBOOK
    shutil.copy(source, target)
    entry = pwd.getpwnam(user)
    os.chown(target, entry.pw_uid, entry.pw_gid)


# --------------------------------------------------------------------------------------------- the class


def test_login_with_the_course_password(hub):
    start = time.monotonic()
    login_probe.login(hub.url, hub.a, hub.password, WAIT)
    hub.steps["login_seconds"] = time.monotonic() - start
    with pytest.raises(PermissionError):
        login_probe.login(hub.url, hub.b, "not the password", 60)
    for user in (hub.instructor, hub.b):
        hub.start_server(user)
    hub.start_server(hub.a)


def test_student_servers_have_the_course_and_the_student_extensions(hub):
    status, listing = hub.user_api(hub.a, "GET", f"/api/contents/{demo_course.NOTEBOOKS_DIR}")
    assert status == 200, f"no course notebooks in {hub.a}'s home: {status} {listing}"
    assert {c["name"] for c in listing["content"]} >= {ASSIGNMENT}
    status, _ = hub.user_api(hub.a, "GET", "/formgrader/api/assignments")
    assert status == 404, "students must not have the formgrader"
    status, _ = hub.user_api(hub.instructor, "GET", "/formgrader/api/assignments")
    assert status == 200, "the instructor's server has the formgrader"


def test_instructor_releases_the_assignment(hub):
    hub.nbgrader(hub.instructor, "generate_assignment", ASSIGNMENT, "--force", cwd=hub.course_dir)
    hub.nbgrader(hub.instructor, "release_assignment", ASSIGNMENT, "--force", cwd=hub.course_dir)
    released = hub.state / "exchange" / "qkv" / "outbound" / ASSIGNMENT / NOTEBOOK
    text = released.read_text(encoding="utf-8")
    assert not [m for m in SECRET_MARKERS if m in text], "the released notebook contains a solution or hidden test"
    status, listing = hub.user_api(hub.a, "GET", "/assignments?course_id=qkv")
    assert status == 200 and listing["success"], listing
    assert [(a["assignment_id"], a["status"]) for a in listing["value"]] == [(ASSIGNMENT, "released")]


def test_students_fetch_and_submit_in_the_assignment_list(hub, browser):  # noqa: F811
    for user in (hub.a, hub.b):
        fetch_in_browser(browser, hub, user)
    # A submits the untouched stub first, B the stub; the instructor collects (A's later answer comes after).
    hub.steps["a_first"] = submit_in_browser(browser, hub, hub.a, "submitted-a-first")
    hub.steps["b"] = submit_in_browser(browser, hub, hub.b, "submitted-b")
    hub.nbgrader(hub.instructor, "collect", ASSIGNMENT, "--update", cwd=hub.course_dir)
    put_notebook(hub, hub.a, REPO / "solutions" / ASSIGNMENT / NOTEBOOK)
    hub.steps["a_second"] = submit_in_browser(browser, hub, hub.a, "submitted-a-second")
    browser.get("about:blank")  # an open JupyterLab keeps polling: leave the CPU to the grader
    assert hub.steps["a_second"] > hub.steps["a_first"]


def test_collect_again_and_grade(hub):
    course_dir = hub.course_dir
    hub.nbgrader(hub.instructor, "collect", ASSIGNMENT, "--update", cwd=course_dir)
    submitted = course_dir / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted([hub.a, hub.b])
    assert (submitted / hub.a / ASSIGNMENT / "timestamp.txt").read_text() == hub.steps["a_second"], \
        "the collected submission of A is not the later one"
    out = hub.state / "grades"
    start, cpu = time.monotonic(), time.process_time()
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(submitted),
                             "--out", str(out), "--jobs", "2", "--skip-demo", "--quiet"],
                            cwd=REPO, capture_output=True, text=True, timeout=1800)
    hub.steps["grade_seconds"] = time.monotonic() - start
    assert result.returncode == 0, f"grading failed:\n{result.stdout}\n{result.stderr}"
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["student"] for r in rows) == sorted([hub.a, hub.b]), "each student graded exactly once"
    rows = {r["student"]: r for r in rows}
    assert all(r["status"] == "graded" for r in rows.values()), rows
    from autograder.course import read_grades

    cells = read_grades(out / "nbgrader", ASSIGNMENT)
    any_student = next(iter(cells.values()))  # the gradebook's ids are the grader's safe ids; maxima are shared
    full = sum(c.max_score for c in any_student.values() if c.autograded)
    assert full > 0
    assert float(rows[hub.a]["score"]) == pytest.approx(full), "the reference answers must get full marks"
    assert float(rows[hub.b]["score"]) == 0, "the stub must score 0"
    hub.steps.update(grades=out, rows=rows, full=full, cpu=cpu)


def test_feedback_reaches_each_student_with_their_own_score(hub):
    rows = hub.steps["rows"]
    result = subprocess.run([sys.executable, str(REPO / "hub" / "place_feedback.py"), str(hub.steps["grades"]),
                             str(hub.course_dir), ASSIGNMENT], capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 0, result.stderr
    hub.nbgrader(hub.instructor, "release_feedback", ASSIGNMENT, cwd=hub.course_dir)
    for user, expected in ((hub.a, hub.steps["full"]), (hub.b, 0.0)):
        status, body = hub.user_api(user, "POST", "/assignments/fetch_feedback",
                                    body={"course_id": "qkv", "assignment_id": ASSIGNMENT})
        assert status == 200 and body.get("success"), f"fetch_feedback as {user}: {status} {body}"
        status, folder = hub.user_api(user, "GET", f"/api/contents/{ASSIGNMENT}/feedback")
        assert status == 200, f"{user} has no feedback folder: {status} {folder}"
        stamps = [c["name"] for c in folder["content"]]
        latest = hub.steps["a_second"] if user == hub.a else hub.steps["b"]
        assert stamps == [latest], f"{user} must get feedback for the graded (latest) submission only: {stamps}"
        path = urllib.parse.quote(f"{ASSIGNMENT}/feedback/{latest}/{ASSIGNMENT}.html")
        status, page = hub.user_api(user, "GET", f"/api/contents/{path}?type=file&format=text")
        assert status == 200, f"{user} cannot open their feedback: {status}"
        html = page["content"]
        scores = re.findall(r"Score:\s*([0-9.]+)\s*/\s*([0-9.]+)", html)
        assert scores, f"no score in {user}'s feedback page"
        assert float(scores[0][0]) == pytest.approx(expected), f"{user}'s feedback shows {scores[0]}"
        assert float(rows[user]["score"]) == pytest.approx(expected)
        # (A's own answer cells may hold solution markers: A submitted the reference notebook.)
        assert not [m for m in SECRET_MARKERS[2:] if m in html], f"{user}'s feedback shows a hidden test"


def test_a_student_cannot_read_another_students_work(hub):
    exchange = hub.state / "exchange" / "qkv"
    a_submission = next(p for p in (exchange / "inbound").iterdir() if p.name.startswith(f"{hub.a}+"))
    a_feedback = hub.home(hub.a) / ASSIGNMENT / "feedback"
    probe = (
        "import os, sys, json\n"
        "out = {}\n"
        "for label, path in json.loads(sys.argv[1]).items():\n"
        "    try:\n"
        "        os.listdir(path) if os.path.isdir(path) or label.startswith('list') else open(path).read()\n"
        "        out[label] = 'read'\n"
        "    except PermissionError:\n"
        "        out[label] = 'denied'\n"
        "    except FileNotFoundError:\n"
        "        out[label] = 'not found'\n"
        "print(json.dumps(out))\n"
    )
    targets = {
        "list inbound": str(exchange / "inbound"),
        "list released feedback": str(exchange / "feedback"),
        "A's home": str(hub.home(hub.a)),
        "A's fetched feedback": str(a_feedback),
        # The inbound folder's name ends in a random part: without it the submission cannot be found.
        "A's submission without the random part": str(exchange / "inbound" / a_submission.name.rsplit("+", 1)[0]),
        "the instructor's course": str(hub.course_dir / "submitted"),
        # The servers run from this checkout: its answers, bank, instructor code and history stay closed.
        "the checkout's solutions": str(REPO / "solutions" / ASSIGNMENT / NOTEBOOK),
        "list the bank": str(REPO / "autograder" / "bank"),
        "list the instructor's code": str(REPO / "instructor"),
        "list the history": str(REPO / ".git"),
    }
    python = demo_course.user_python(demo_course.load_from(hub.env))
    result = hub.run_as(hub.b, str(python), "-c", probe, json.dumps(targets))
    outcome = json.loads(result.stdout)
    assert outcome == {
        "list inbound": "denied", "list released feedback": "denied", "A's home": "denied",
        "A's fetched feedback": "denied", "A's submission without the random part": "not found",
        "the instructor's course": "denied", "the checkout's solutions": "denied", "list the bank": "denied",
        "list the instructor's code": "denied", "list the history": "denied",
    }, outcome
    # ... while the instructor's own nbgrader (its configuration imports autograder/) kept working above.
    # Through the hub: B's token does not open A's server.
    status, _ = hub.api("GET", f"/api/contents/{ASSIGNMENT}/feedback", token=hub.token(hub.b),
                        base=f"/user/{hub.a}")
    assert status in (302, 403, 404), f"B's token reached A's server ({status})"
    print(f"\nhub: login {hub.steps['login_seconds']:.1f} s, grading {hub.steps['grade_seconds']:.1f} s")
