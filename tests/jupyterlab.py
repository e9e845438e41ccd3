"""JupyterLab as a learner uses it, for tests/test_lab.py: scripts/lab.sh on a free port, and the notebook UI
driven through selenium (keyboard, clicks and the toolbar, as a learner would)."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser import drain_logs, screenshot

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "_build" / "screenshots" / "lab"
SLOW = 600  # seconds: the machine may be shared


# --------------------------------------------------------------------------------------------- JupyterLab


@contextmanager
def jupyterlab(folder: Path, home: Path):
    """scripts/lab.sh on ``folder`` (free port, random token); yields (base URL, token); stops it and its kernels."""
    import psutil

    token = secrets.token_hex(16)
    runtime = home / "runtime"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(runtime), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    log = (home / "lab.log").open("w")
    proc = subprocess.Popen(["bash", str(REPO / "scripts" / "lab.sh"), str(folder), "--no-browser", "--port=0",
                             f"--IdentityProvider.token={token}"],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        info = runtime / f"jpserver-{proc.pid}.json"  # lab.sh execs jupyter: same process
        deadline = time.monotonic() + 120
        while not info.exists():
            assert proc.poll() is None, f"JupyterLab exited:\n{(home / 'lab.log').read_text()[-3000:]}"
            assert time.monotonic() < deadline, "JupyterLab did not start in 120 s"
            time.sleep(0.2)
        port = json.loads(info.read_text())["port"]
        yield f"http://127.0.0.1:{port}", token, proc.pid  # the browser resolves no other host name
    finally:
        children = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for child in children:  # a kernel the server left behind
            if child.is_running():
                child.kill()
        log.close()


def cpu_seconds(*roots: int) -> float:
    """User + system CPU seconds used so far by the processes ``roots`` and their live descendants."""
    import psutil

    total = 0.0
    for root in roots:
        try:
            tree = [psutil.Process(root)]
            tree += tree[0].children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for process in tree:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
    return total


def api(url: str, token: str, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{url}/{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    return json.loads(body) if body else None


def stop_kernels(url: str, token: str) -> None:
    for session in api(url, token, "api/sessions"):
        api(url, token, f"api/sessions/{session['id']}", method="DELETE")


# --------------------------------------------------------------------------------------------- the notebook UI

CELLS = "document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')"
CELL_STATE = f"""
return Array.from({CELLS}).map(c => ({{
  prompt: (c.querySelector('.jp-InputPrompt') || {{}}).innerText || '',
  output: (c.querySelector('.jp-OutputArea') || {{}}).innerText || '',
  errors: c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length,
  source: (c.querySelector('.cm-content') || {{}}).innerText || '',
}}));
"""


def console_errors(driver) -> tuple[list[str], list[str]]:
    """drain_logs, less Chromium's note that it skipped JupyterLab's "leave this page?" prompt when the test
    navigated away from a notebook (JupyterLab asks whenever a notebook is open; nothing went wrong)."""
    errors, requests = drain_logs(driver)
    return [e for e in errors if "Blocked attempt to show a 'beforeunload' confirmation panel" not in e], requests


def wait_for(driver, condition, timeout: float, what: str):
    """Poll ``condition(driver)`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition(driver)
        if value:
            return value
        if time.monotonic() > deadline:
            screenshot(driver, SHOTS / "timeout.png")
            pytest.fail(f"JupyterLab: {what} within {timeout:.0f} s (screenshot: {SHOTS / 'timeout.png'})")
        time.sleep(0.25)


def cells(driver) -> list[dict]:
    return driver.execute_script(CELL_STATE)


def open_notebook(driver, url: str, token: str, path: str, count: int) -> None:
    """Open ``path`` in a fresh JupyterLab workspace and wait until its ``count`` cells and kernel are ready."""
    driver.get(f"{url}/lab/tree/{path}?reset&token={token}")
    wait_for(driver, lambda d: len(cells(d)) == count, SLOW, f"{path} did not show its {count} cells")
    wait_for(driver, lambda d: d.execute_script(
        "const s = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');"
        "return s && s.getAttribute('data-status') === 'idle';"), SLOW, f"the kernel of {path} did not start")
    # JupyterLab asks once whether to fetch its news from the internet: answer No, as an offline learner would.
    for button in driver.find_elements("css selector", ".jp-toast-buttonBar button[title='No']"):
        button.click()


def keys(driver, *sequence: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(driver)
    for key in sequence:
        chain.send_keys(key)
    chain.perform()


def shift_enter(driver) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()


def select_cell(driver, index: int) -> None:
    """Click cell ``index``'s prompt area: the cell becomes the active one, in command mode."""
    cell = driver.execute_script(f"return {CELLS}[arguments[0]];", index)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", cell)
    cell.find_element("css selector", ".jp-InputPrompt").click()
    wait_for(driver, lambda d: d.execute_script(f"return {CELLS}[arguments[0]].classList.contains('jp-mod-active');",
                                                index), 30, f"cell {index} did not become active")


def run_until(driver, first: int, stop: int) -> None:
    """From cell ``first`` (active), Shift+Enter through the cells before ``stop``, as a learner reads down."""
    for _ in range(first, stop):
        shift_enter(driver)


def wait_ran(driver, indices: list[int], what: str) -> list[dict]:
    done = lambda d: (lambda s: s if all(re.fullmatch(r"\[\d+\]:", s[i]["prompt"].strip()) for i in indices)
                      else None)(cells(d))
    return wait_for(driver, done, SLOW, what)


def type_into(driver, index: int, text: str) -> None:
    """Put ``text`` into cell ``index``'s editor as a learner would: Enter to edit, select all, type it."""
    from selenium.webdriver.common.keys import Keys

    select_cell(driver, index)
    keys(driver, Keys.ENTER)
    wait_for(driver, lambda d: d.execute_script(
        "return document.activeElement && document.activeElement.classList.contains('cm-content');"),
        30, "the cell editor did not take the focus")
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    # One input event for the whole text, like a paste: typing key by key would auto-indent and auto-close brackets.
    driver.execute_cdp_cmd("Input.insertText", {"text": text})
    typed = wait_for(driver, lambda d: cells(d)[index]["source"], 30, "the answer did not reach the editor")
    assert typed.split() == text.split(), f"the editor holds\n{typed}\ninstead of\n{text}"


def validate(driver) -> tuple[bool, str]:
    """Press nbgrader's Validate button; return (passed, the dialog's text) and close the dialog."""
    button = driver.find_element("css selector", ".jp-NotebookPanel:not(.lm-mod-hidden) jp-button.validate-button")
    button.click()
    body = wait_for(driver, lambda d: d.execute_script(
        "const b = document.querySelector('.jp-Dialog .validation-success, .jp-Dialog .validation-failed,"
        " .jp-Dialog .jp-Dialog-body');"
        "return b && !/Validating|Saving/.test(document.querySelector('.validate-button').innerText) ? b : null;"),
        SLOW, "Validate gave no result")
    passed = "validation-success" in body.get_attribute("class")
    text = driver.find_element("css selector", ".jp-Dialog").text
    return passed, text


def close_dialog(driver) -> None:
    driver.find_element("css selector", ".jp-Dialog .jp-mod-accept").click()
    wait_for(driver, lambda d: not d.find_elements("css selector", ".jp-Dialog"), 30, "the dialog did not close")
