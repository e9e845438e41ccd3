"""Headless Debian Chromium driven by selenium: the set-up the website and JupyterLab tests share.

Debian's ``chromium`` and ``chromium-driver`` (``make browser`` installs both; no browser download);
``QKV_CHROMIUM`` / ``QKV_CHROMEDRIVER`` override their paths.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path

import pytest

DESKTOP = (1366, 900)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-color-profile=srgb",
    # Nothing may leave the machine: every host except the local server fails to resolve. Pages that
    # try are still caught, because the attempt shows up in the DevTools network log.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    # What automation tools (Puppeteer) pass: no background services, no throttling of a tab the browser thinks
    # hidden, the pages of the one local site in one renderer, the GPU process's (software) work in the browser's
    # process. About 9 % less CPU over the website's visits (77 -> 70 CPU-s, two runs each, whole-machine
    # /proc/stat).
    "--disable-features=site-per-process,Translate,OptimizationHints,MediaRouter,PaintHolding,AcceptCHFrame,"
    "DialMediaRouteProvider",
    "--disable-site-isolation-trials", "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows", "--disable-extensions", "--mute-audio", "--no-default-browser-check",
    "--disable-breakpad", "--disable-client-side-phishing-detection", "--disable-hang-monitor",
    "--disable-ipc-flooding-protection", "--metrics-recording-only", "--password-store=basic",
    "--use-mock-keychain", "--in-process-gpu",
]


def start_chromium(profile: Path, window: tuple[int, int] = DESKTOP):
    """A selenium driver for a fresh headless Chromium (profile in ``profile``) that logs console and network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = os.environ.get("QKV_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = os.environ.get("QKV_CHROMEDRIVER") or shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.fail("Chromium and chromedriver are needed: run `make browser` "
                    "(Debian: apt-get install chromium chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must never try to download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={window[0]},{window[1]}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    driver.execute_cdp_cmd("Network.enable", {})
    return driver


def drain_logs(driver) -> tuple[list[str], list[str]]:
    """Console errors and the URLs of every request made since the last call."""
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE",)]
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return errors, urls


def screenshot(driver, path: Path, full_page: bool = True) -> None:
    """A PNG of the whole page (capped at 12000 px tall), or of what the window shows. Encoded for speed: a
    long page's full shot costs Chromium about a second, a third of it spent compressing."""
    options = {"format": "png", "optimizeForSpeed": True}
    if full_page:
        metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 12000), "scale": 1}
        options.update(captureBeyondViewport=True, clip=clip)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))
