"""Log in to the demo hub as a user and wait until their JupyterLab answers; print the seconds it took.

    python hub/login_probe.py URL USER PASSWORD [--timeout 600]

Used to measure the time from `make hub` to a working login, and by tests/test_hub.py. Only the standard library:
a login is GET /hub/login (for the _xsrf cookie), POST /hub/login, then following redirects until the user's
/user/<name>/lab page loads (the hub spawns the server on the way).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def wait_for_hub(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/hub/api/", timeout=10) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"the hub at {url} did not answer /hub/api/ within {timeout:.0f} s")
        time.sleep(0.5)


def login(url: str, user: str, password: str, timeout: float) -> urllib.request.OpenerDirector:
    """Log in and return an opener holding the session cookies once /user/<user>/lab has loaded."""
    base = url.rstrip("/")
    jar = http.cookiejar.CookieJar()
    session = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    session.open(f"{base}/hub/login", timeout=30).read()
    xsrf = next((c.value for c in jar if c.name == "_xsrf"), "")
    data = urllib.parse.urlencode({"username": user, "password": password, "_xsrf": xsrf}).encode()
    try:
        with session.open(f"{base}/hub/login", data=data, timeout=60) as r:
            if "/hub/login" in r.geturl():
                raise PermissionError(f"login as {user} was refused")
    except urllib.error.HTTPError as e:
        if e.code == 403:
            raise PermissionError(f"login as {user} was refused") from e
        raise
    # JupyterHub 4+ spawns from /hub/spawn/<user> (the default profile); then wait until the server's
    # JupyterLab page answers through the proxy.
    deadline = time.monotonic() + timeout
    session.open(f"{base}/hub/spawn/{user}", timeout=timeout).read()
    missing = 0
    while True:
        try:
            with session.open(f"{base}/user/{user}/lab", timeout=60) as r:
                if f"/user/{user}/lab" in r.geturl() and b"jupyter-config-data" in r.read():
                    break
                page = r.geturl()
        except urllib.error.HTTPError as e:
            page = f"{e.code} {e.geturl()}"
            missing = missing + 1 if e.code == 404 else 0
            if missing > 30:  # the server runs but has no /lab: JupyterLab's server extension is not enabled
                raise RuntimeError(f"{user}'s server answers 404 for /lab: JupyterLab is not enabled there") from e
        if time.monotonic() > deadline:
            raise TimeoutError(f"{user}'s JupyterLab did not load within {timeout:.0f} s (last: {page})")
        time.sleep(1)
    return session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("user")
    parser.add_argument("password")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    start = time.monotonic()
    wait_for_hub(args.url, args.timeout)
    up = time.monotonic() - start
    login(args.url, args.user, args.password, args.timeout)
    print(f"hub answering after {up:.1f} s; {args.user} logged in, JupyterLab loaded after "
          f"{time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
