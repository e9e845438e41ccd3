"""matplotlib's font cache for the kernels, built outside the grade command's own process.

A kernel that imports matplotlib without a font cache builds one (about 1 s); each kernel's sandbox therefore
gets a copy of one cache (:func:`font_cache`). The first class on a machine builds it in a helper process, at a
lower priority, while the class starts (a worker waits for it, :func:`font_cache_ready`, before it starts a
kernel). The helper also keeps the cache (:func:`kept_font_cache`, one per matplotlib version, in the user's cache
folder, as matplotlib itself keeps one), so later classes copy it at once and start no helper at all; matplotlib
checks the file's version when it reads it. (The class's histogram needs no matplotlib: ``histogram.py``.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from autograder import course

READY = ".ready"  # in the font cache's folder, once the helper is done with it (built or not)
NICE = 10


def font_cache(kernels: Path) -> Path:
    """The folder of the font cache that each kernel's sandbox gets a copy of (saves ~1 s per kernel)."""
    return kernels / ".matplotlib-cache"


def kept_font_cache() -> Path | None:
    """Where the helper keeps a font cache for later classes (None: matplotlib is not installed)."""
    from importlib import metadata

    try:
        version = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "qkv-grade" / f"matplotlib-{version}-font-cache"


def _keep(cache: Path) -> None:
    """Copy the font cache the helper just built to :func:`kept_font_cache` (atomically: classes may race)."""
    import shutil
    import tempfile

    kept = kept_font_cache()
    files = [f for f in cache.glob("fontlist*.json")]
    if kept is None or kept.exists() or not files:
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=kept.parent))
    for f in files:
        shutil.copy(f, staging / f.name)
    try:
        staging.rename(kept)
    except OSError:  # another class kept one first
        shutil.rmtree(staging, ignore_errors=True)


def font_cache_ready(kernels: Path, timeout: float = 120) -> bool:
    """Wait until the helper is done with the font cache; False: none to copy (each kernel builds its own)."""
    marker = font_cache(kernels) / READY
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if time.monotonic() > deadline or not marker.parent.is_dir():
            return False
        time.sleep(0.05)
    return True


class FontCache:
    """The kernels' font cache, ready at once when a kept one exists, else built by the helper meanwhile."""

    def __init__(self, kernels: Path):
        import shutil

        self.proc = None
        cache = font_cache(kernels)
        cache.mkdir(exist_ok=True)
        kept = kept_font_cache()
        if kept is not None and kept.is_dir():  # built by an earlier class: no helper, no wait
            try:
                for f in kept.glob("fontlist*.json"):
                    shutil.copy(f, cache / f.name)
                (cache / READY).touch()
                return
            except OSError:  # unreadable: the helper builds it, as for a first class
                pass
        env = dict(os.environ, MPLCONFIGDIR=str(cache),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(course.REPO), os.environ.get("PYTHONPATH")])))
        # at a lower priority: the zygote's imports, which the first kernel waits for, run at the same time
        # (set from here, not with preexec_fn, which may deadlock in a process with threads, a Dask worker's)
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.engine.font_cache"], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, NICE)
        except OSError:  # already gone
            pass

    def wait(self, timeout: float = 120) -> None:
        """Until the helper is done (a class that ends first just stops it: a later class builds the cache)."""
        if self.proc is not None:
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def build_font_cache(kernels: Path) -> None:
    """The font cache of a Dask worker's kernels folder, built before its first kernel."""
    FontCache(kernels).wait()


def main() -> int:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401 - builds the font cache in MPLCONFIGDIR
        try:
            _keep(Path(os.environ["MPLCONFIGDIR"]))
        except OSError:  # no cache folder to write to (a read-only home): the next class builds its own
            pass
    finally:
        (Path(os.environ["MPLCONFIGDIR"]) / READY).touch()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # the cache is written: skip the interpreter's teardown
