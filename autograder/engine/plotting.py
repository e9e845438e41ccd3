"""matplotlib, kept out of the grade command's own process: the kernels' font cache and the class's histogram.

Importing matplotlib costs about 0.7 CPU-s and building its font cache about as much again. One helper
process (:class:`Plotter`) does both while the class is graded: it builds the font cache that every
kernel gets a copy of (a worker waits for it, :func:`font_cache_ready`, before it starts a kernel), then
waits for the scores and draws ``scores.png``. It runs at a lower priority: the zygote's imports, which
the first kernel waits for too, come first. A regrade of one student no longer pays for matplotlib in series.

The helper also keeps the font cache it built (:func:`kept_font_cache`, one per matplotlib version, in the
user's cache folder, as matplotlib itself keeps one), so that the next class's kernels get it at once instead
of waiting some seconds for the helper; matplotlib checks the file's version when it reads it.
"""

from __future__ import annotations

import json
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


class Plotter:
    """The helper process: started at once, ``draw`` at the end."""

    def __init__(self, kernels: Path):
        import shutil

        cache = font_cache(kernels)
        cache.mkdir(exist_ok=True)
        kept = kept_font_cache()
        if kept is not None and kept.is_dir():  # built by an earlier class: the kernels need not wait
            try:
                for f in kept.glob("fontlist*.json"):
                    shutil.copy(f, cache / f.name)
                (cache / READY).touch()
            except OSError:  # unreadable: the helper builds it, as for a first class
                pass
        env = dict(os.environ, MPLCONFIGDIR=str(cache),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(course.REPO), os.environ.get("PYTHONPATH")])))
        # at a lower priority: the zygote's imports, which the first kernel waits for, run at the same time
        # (set from here, not with preexec_fn, which may deadlock in a process with threads, a Dask worker's)
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.engine.plotting"], env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, NICE)
        except OSError:  # already gone: draw() then says so
            pass

    def draw(self, path: Path, scores: list[float], max_score: float, assignment: str) -> None:
        """Draw the histogram in the helper; if it failed, here (a missing figure must not go unnoticed)."""
        request = json.dumps({"path": str(path), "scores": scores, "max_score": max_score, "assignment": assignment})
        try:
            _, err = self.proc.communicate(request, timeout=120)
            if self.proc.returncode == 0 and path.exists():
                return
            print(f"note: the histogram helper failed ({err.strip()[-300:]}); drawing it here", file=sys.stderr)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.close()
        draw(path, scores, max_score, assignment)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def build_font_cache(kernels: Path) -> None:
    """Only the font cache (a Dask worker's kernels folder): the helper, told there is nothing to draw."""
    plotter = Plotter(kernels)
    try:
        plotter.proc.communicate("", timeout=120)
    except subprocess.TimeoutExpired:
        plotter.close()


def draw(path: Path, scores: list[float], max_score: float, assignment: str) -> None:
    """The class's scores as a histogram, in the course's colour-blind-safe style."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        from qkvlab.plots import use_course_style

        use_course_style()
    except Exception:  # noqa: BLE001 - the plain style is fine too
        pass
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    top = max(max_score, max(scores, default=0.0), 1.0)
    ax.hist(scores, bins=min(20, max(5, int(top))), range=(0, top), color="#0072B2", edgecolor="white")
    ax.set_xlabel(f"score (points out of {max_score:g})")
    ax.set_ylabel("number of students")
    ax.set_title(f"{assignment}: {len(scores)} submissions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


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
    request = sys.stdin.read()
    if not request:  # the command ended without a class to draw (an error, or a calibration that failed)
        return 0
    args = json.loads(request)
    draw(Path(args["path"]), args["scores"], args["max_score"], args["assignment"])
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # the figure is written: skip the interpreter's teardown (~0.3 s the command would wait for)
