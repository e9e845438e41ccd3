"""Every reference notebook runs top to bottom in a fresh kernel and reproduces its
stored outputs (nbval). Images are not compared by nbval: figures are checked by
the website tests (images load, alt text, colour-blind-safe colour maps).

The kernels are warm, like the book's pages (scripts/warm_kernels.py): one zygote imports torch once
and forks each notebook's kernel, which has the folder, environment and ``sys.path`` of a cold kernel
(tests/test_warm_kernels.py). Without the zygote (``QKV_COLD_KERNELS=1``) nbval starts them cold.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import nbformat
import pytest

from autograder import course

WARM_KERNEL = "qkv-warm-python3"


def notebook(assignment: str):
    return course.SOLUTIONS / assignment / f"{course.notebook_name(assignment)}.ipynb"


@pytest.fixture(scope="module")
def kernel_options(tmp_path_factory):
    """nbval's options and environment for a warm kernel (a kernelspec whose command is the zygote's client)."""
    spec = importlib.util.spec_from_file_location("_warm_kernels", course.REPO / "scripts" / "warm_kernels.py")
    warm_kernels = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(warm_kernels)
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    if os.environ.get("QKV_COLD_KERNELS") or not warm_kernels._supported():
        yield [], env
        return
    home = tmp_path_factory.mktemp("zygote")
    socket_path = str(home / "zygote.sock")
    zygote = warm_kernels._start(socket_path, env, str(home), str(home / "zygote.log"))
    cells = [cell for a in course.assignments() for cell in nbformat.read(notebook(a), as_version=4).cells]
    code = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    warm_kernels._warm(socket_path, warm_kernels._modules_to_warm(code))
    cold = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernels = home / "jupyter" / "kernels" / WARM_KERNEL
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": warm_kernels._client_command(socket_path, {"argv": cold}, cold),
        "display_name": "Python 3 (warm)", "language": "python"}), encoding="utf-8")
    env["JUPYTER_PATH"] = os.pathsep.join([str(home / "jupyter"), env.get("JUPYTER_PATH", "")]).rstrip(os.pathsep)
    try:
        yield [f"--nbval-kernel-name={WARM_KERNEL}"], env
    finally:
        zygote.kill()
        zygote.wait()


@pytest.mark.slow
@pytest.mark.parametrize("assignment", course.assignments())
def test_reference_notebook_reproduces_its_outputs(assignment, kernel_options):
    options, env = kernel_options
    path = notebook(assignment)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", "--nbval-cell-timeout=300",
         *options, str(path.relative_to(course.REPO))],
        cwd=course.REPO, capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, f"nbval failed on {path.name}:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}"
