"""The book's pages run in warm kernels (scripts/warm_kernels.py, used by scripts/execute_pages.py).

A kernel forked by the zygote starts with torch already imported, in the folder its page asked for, with the
environment and the ``sys.path`` of a cold ``python -m ipykernel_launcher``, its channels on Unix sockets; with no
zygote to reach, the same command starts the kernel cold."""

from __future__ import annotations

import importlib.util
import json

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import course

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
