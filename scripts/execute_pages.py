"""Execute the book's pages in parallel into the cache that `jupyter-book build` reads.

Jupyter Book 1 executes pages one after the other. This script runs the pages of ``_toc.yml`` that
are not cached yet on several cores at once, reading each page with myst-nb's own reader and
storing the result in the same jupyter-cache (``execute.cache`` of ``_config.yml``) under the same
key, so the build that follows finds every page cached. Pages excluded from execution
(``execute.exclude_patterns``) are skipped. A page that fails is left out of the cache: the build
then runs it again and reports the error as usual.

On Linux the pages' kernels are warm: one zygote (``scripts/warm_kernels.py``) imports torch and
ipykernel once and forks each page's kernel, which then starts in a few hundredths of a second
instead of about 2 CPU-s. ``QKV_COLD_KERNELS=1`` (or another system) starts every kernel cold.

Usage: python scripts/execute_pages.py [--jobs N]      (default: the number of CPUs)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path, PurePosixPath

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_sources() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found: list[Path] = []

    def source(name: str) -> None:
        for suffix in ("", ".md", ".ipynb"):
            path = ROOT / f"{name}{suffix}"
            if path.is_file() and path.suffix in (".md", ".ipynb") and path not in found:
                found.append(path)
                return

    def add(entry: dict) -> None:
        if "file" in entry:
            source(entry["file"])
        if "glob" in entry:
            for path in sorted(ROOT.glob(entry["glob"])):
                source(str(path.relative_to(ROOT)))
        for sub in entry.get("sections", []):
            add(sub)

    source(toc["root"])
    for part in toc.get("parts", [toc]):
        for chapter in part.get("chapters", []):
            add(chapter)
    return found


def read_notebook(path: Path):
    """The notebook myst-nb builds from a page (None for plain Markdown pages)."""
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    text = path.read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), MdParserConfig(), NbParserConfig(), text)
    return None if reader is None else reader.read(text)


#: The warm kernels' zygote's socket, for the pool's processes (unset: cold kernels).
SOCKET_ENV = "QKV_PAGES_ZYGOTE"
# (The helpers below are private: the learner kit's leak scan calls every public callable of the kit with the
# exercises' test inputs, and one of these would start a zygote.)


def _warm_kernel_manager():
    """A kernel manager class whose kernels the zygote forks (its client stands in for the kernel's command)."""
    import warm_kernels
    from jupyter_client import AsyncKernelManager

    class WarmKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            socket_path = os.environ.get(SOCKET_ENV)
            if socket_path:  # its channels on Unix sockets beside the zygote's, not on TCP ports others may take
                self.transport = "ipc"
                self.ip = os.path.join(os.path.dirname(socket_path), f"kernel-{os.getpid()}-{id(self):x}")

        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            socket_path = os.environ.get(SOCKET_ENV)
            if not socket_path or os.path.abspath(cmd[0]) != os.path.abspath(sys.executable):
                return cmd  # the zygote holds this interpreter's modules only
            return warm_kernels._client_command(socket_path, {"argv": cmd}, cmd)  # noqa: SLF001

    return WarmKernelManager


def _start_zygote(sources: list[str], folder: str):
    """A zygote for the pages' kernels, warmed with what their code needs; None where kernels start cold."""
    import warm_kernels

    if os.environ.get("QKV_COLD_KERNELS") or not warm_kernels._supported():  # noqa: SLF001
        return None
    socket_path = os.path.join(folder, "zygote.sock")
    process = warm_kernels._start(socket_path, dict(os.environ), folder, os.path.join(folder, "zygote.log"))  # noqa: SLF001
    notebooks = [read_notebook(Path(path)) for path in sources]
    code = "\n".join(cell.source for nb in notebooks if nb for cell in nb.cells if cell.cell_type == "code")
    warm_kernels._warm(socket_path, warm_kernels._modules_to_warm(code))  # noqa: SLF001
    os.environ[SOCKET_ENV] = socket_path
    return process


def execute(path: str, timeout: int):
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = read_notebook(Path(path))
    result = single_nb_execution(notebook, cwd=str(Path(path).parent), allow_errors=False,
                                 timeout=timeout, meta_override=True, kernel_manager_class=_warm_kernel_manager())
    return path, notebook, result.time, (result.exc_string if result.err is not None else None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from jupyter_cache import get_cache

    config = yaml.safe_load((ROOT / "_config.yml").read_text()).get("execute", {})
    if config.get("execute_notebooks", "auto") != "cache":
        print("execute_notebooks is not 'cache' in _config.yml: nothing to do")
        return 0
    cache = get_cache(str(ROOT / config.get("cache", "_build/.jupyter_cache")))
    excluded = config.get("exclude_patterns", [])
    todo = []
    for path in toc_sources():
        if any(PurePosixPath(path.as_posix()).match(p) for p in excluded):
            continue
        notebook = read_notebook(path)
        if notebook is None:
            continue
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            todo.append(str(path))
    if not todo:
        print("execute_pages: every page is cached")
        return 0
    start, failed = time.time(), 0
    with tempfile.TemporaryDirectory(prefix="qkv-pages-") as folder:
        zygote = _start_zygote(todo, folder)
        print(f"execute_pages: running {len(todo)} page(s) on {args.jobs} process(es), "
              f"{'warm' if zygote else 'cold'} kernels", flush=True)
        try:
            failed = _run_pages(todo, cache, args.jobs, int(config.get("timeout", 300)))
        finally:
            if zygote is not None:
                zygote.kill()
                zygote.wait()
    print(f"execute_pages: done in {time.time() - start:.0f} s, {failed} failed")
    return 0


def _run_pages(todo: list[str], cache, jobs: int, timeout: int) -> int:
    """Execute ``todo`` on ``jobs`` processes into ``cache``; the number of pages that failed."""
    from jupyter_cache.base import CacheBundleIn

    failed = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(execute, p, timeout) for p in todo]
        for future in as_completed(futures):
            path, notebook, seconds, error = future.result()
            rel = Path(path).relative_to(ROOT)
            if error:
                failed += 1
                print(f"  FAILED {rel} (the build will run it again and show the error)", flush=True)
                continue
            # The cache is written from this process only (SQLite).
            cache.cache_notebook_bundle(CacheBundleIn(notebook, path, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"  {rel}: {seconds:.1f} s", flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
