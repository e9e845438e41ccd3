"""The book's pages run in warm kernels (scripts/warm_kernels.py, used by scripts/execute_pages.py).

A kernel forked by the zygote starts with torch already imported, in the folder its page asked for, with the
environment and the ``sys.path`` of a cold ``python -m ipykernel_launcher``, its channels on Unix sockets; with no
zygote to reach, the same command starts the kernel cold."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import course
from autograder.engine import font_cache

SCRIPTS = course.REPO / "scripts"
PROBE = ("import json, os, sys\n"
         "print(json.dumps({'torch': 'torch' in sys.modules, 'cwd': os.getcwd(), 'path': sys.path,\n"
         "                  'page': os.environ.get('QKV_PAGE_PROBE'),\n"
         "                  'transport': json.load(open(sys.argv[sys.argv.index('-f') + 1]))['transport']}))")


@pytest.fixture(scope="module")
def execute_pages(monkeypatch_module):
    monkeypatch_module.syspath_prepend(str(SCRIPTS))  # the script imports warm_kernels from its own folder
    spec = importlib.util.spec_from_file_location("_execute_pages", SCRIPTS / "execute_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def probe(execute_pages, folder) -> dict:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    NotebookClient(nb, timeout=120, kernel_name="python3", kernel_manager_class=execute_pages._warm_kernel_manager(),
                   resources={"metadata": {"path": str(folder)}}).execute()
    return json.loads(nb.cells[0].outputs[0]["text"])


def test_a_page_kernel_is_forked_warm_in_its_page_s_folder_and_cold_without_a_zygote(execute_pages, tmp_path,
                                                                                     monkeypatch):
    import warm_kernels

    if not warm_kernels._supported():
        pytest.skip("warm kernels need Linux (fork, Unix sockets, descriptor passing)")
    page = tmp_path / "book" / "a chapter"
    page.mkdir(parents=True)
    zygote_home = tmp_path / "zygote"
    zygote_home.mkdir()
    monkeypatch.delenv("QKV_COLD_KERNELS", raising=False)
    monkeypatch.delenv(execute_pages.SOCKET_ENV, raising=False)  # _start_zygote sets it for the pool's processes
    monkeypatch.setenv("QKV_PAGE_PROBE", "the kernel manager's environment")
    zygote = execute_pages._start_zygote([], str(zygote_home))
    try:
        assert zygote is not None and zygote.poll() is None
        warm = probe(execute_pages, page)
    finally:
        zygote.kill()
        zygote.wait()
    assert warm["torch"] and warm["cwd"] == str(page) and warm["page"] == "the kernel manager's environment"
    assert warm["transport"] == "ipc"  # no TCP port that a server started beside it could have chosen
    (zygote_home / "zygote.sock").unlink(missing_ok=True)  # the socket is gone: the client starts the kernel cold
    cold = probe(execute_pages, page)
    assert cold == {**warm, "torch": False}


MPL_PROBE = ("import json, sys\n"
             "held = 'matplotlib.pyplot' in sys.modules\n"
             "import matplotlib\n"
             "import matplotlib.pyplot as plt\n"
             "fig, ax = plt.subplots()\n"
             "ax.plot([0, 1], [1, 0])\n"
             "plt.show()\n"
             "print(json.dumps({'held': held, 'backend': matplotlib.get_backend(),\n"
             "                  'rc': matplotlib.matplotlib_fname(), 'configdir': matplotlib.get_configdir(),\n"
             "                  'cachedir': matplotlib.get_cachedir(),\n"
             "                  'figsize': list(matplotlib.rcParams['figure.figsize'])}))")


def plot_probe(execute_pages, folder) -> dict:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(MPL_PROBE)])
    NotebookClient(nb, timeout=120, kernel_name="python3", kernel_manager_class=execute_pages._warm_kernel_manager(),
                   resources={"metadata": {"path": str(folder)}}).execute()
    outputs = nb.cells[0].outputs
    report = json.loads(next(o["text"] for o in outputs if o.get("name") == "stdout"))
    report["png"] = any("image/png" in o.get("data", {}) for o in outputs)
    return report


def _log(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-3000:] if path.exists() else "(none)"


def test_a_warm_kernel_s_matplotlib_is_the_one_a_cold_kernel_would_import(execute_pages, tmp_path, monkeypatch):
    """The zygote imports pyplot for pages that plot; each kernel then finds matplotlib's folders, settings file
    and backend where a cold kernel would: its own configuration folder (not the zygote's), an inline figure, and
    a ``matplotlibrc`` beside its page obeyed (the zygote's matplotlib is dropped for it)."""
    import warm_kernels

    if not warm_kernels._supported():
        pytest.skip("warm kernels need Linux (fork, Unix sockets, descriptor passing)")
    page, zygote_home = tmp_path / "page", tmp_path / "zygote"
    page.mkdir()
    zygote_home.mkdir()
    monkeypatch.delenv("QKV_COLD_KERNELS", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.delenv(execute_pages.SOCKET_ENV, raising=False)
    kept = font_cache.kept_font_cache()  # a font cache for each configuration folder, where one was kept
    for config in ("zygote-config", "kernel-config"):
        (tmp_path / config).mkdir()
        for cache in kept.glob("fontlist*.json") if kept and kept.is_dir() else ():
            shutil.copy(cache, tmp_path / config)
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "zygote-config"))
    zygote = execute_pages._start_zygote([], str(zygote_home))
    try:
        socket_path = str(zygote_home / "zygote.sock")
        held = warm_kernels._warm(socket_path, ["matplotlib.pyplot"], wait=True)
        assert held == ["matplotlib.pyplot"], (  # once in CI (run t), [] within a second: the log says why next time
            f"the zygote holds {held} (exit status {zygote.poll()}, socket there: {Path(socket_path).exists()}); "
            f"its log:\n{_log(zygote_home / 'zygote.log')}")
        monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "kernel-config"))  # the kernels' own, unlike the zygote's
        warm = plot_probe(execute_pages, page)
        (page / "matplotlibrc").write_text("figure.figsize: 3, 2\n", encoding="utf-8")
        warm_with_rc = plot_probe(execute_pages, page)
    finally:
        zygote.kill()
        zygote.wait()
    (zygote_home / "zygote.sock").unlink(missing_ok=True)  # the client now starts each kernel cold
    cold_with_rc = plot_probe(execute_pages, page)
    (page / "matplotlibrc").unlink()
    cold = plot_probe(execute_pages, page)
    assert warm["held"] and not cold["held"], "the zygote did not hand its pyplot to the kernel"
    assert warm == {**cold, "held": True}
    assert cold["configdir"] == cold["cachedir"] == str(tmp_path / "kernel-config") and cold["png"]
    assert cold["backend"] == warm_kernels.INLINE_BACKEND
    assert cold_with_rc["figsize"] == [3.0, 2.0] and cold_with_rc["rc"] == "matplotlibrc"
    assert warm_with_rc == cold_with_rc, "a matplotlibrc beside the page was not obeyed by the warm kernel"
