"""A clean copy of the learner kit, with a fresh virtualenv, built with its README's first command.

Built once per test session (the ``fresh_kit_build`` fixture of tests/conftest.py): tests/test_learner_kit.py
checks the copy, and tests/test_website.py builds this repository's site on the pages the copy executed (the
same pages: the cache is keyed by their content), so the book's pages are executed once per session, in the
harder place, the learner kit, where only learner files can be imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder import learner_kit


@dataclass
class KitBuild:
    copy: Path  # the clean copy of the kit
    venv: Path  # its fresh virtualenv
    build: subprocess.CompletedProcess  # `make build` in the copy

    @property
    def page_cache(self) -> Path:
        return self.copy / "_build" / ".jupyter_cache"


def clean_environment() -> dict[str, str]:
    """This process's environment without its virtualenv (the copy uses its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}


def build_fresh_kit(base: Path) -> KitBuild:
    kit = base / "kit"
    learner_kit.export(kit)
    copy = base / "learner"
    shutil.copytree(kit, copy, symlinks=False)
    venv = fresh_virtualenv(copy)
    build = subprocess.run(["make", "build", f"PYTHON={sys.executable}"], cwd=copy, env=clean_environment(),
                           capture_output=True, text=True, timeout=3600)
    return KitBuild(copy, venv, build)


def fresh_virtualenv(folder: Path) -> Path:
    """A new virtualenv in ``folder/.venv`` that reuses, read-only, the pinned packages this repository's
    virtualenv holds (a .pth line, like --system-site-packages: nothing is downloaded; only requirements.txt's
    packages are there, and this repository's own editable qkvlab is NOT: .pth files of a folder added that way
    are not run). The console scripts the learner Makefile calls are written the way pip writes them, and the
    local MathJax that scripts/install_site_deps.sh would fetch from npm is linked from this virtualenv."""
    import importlib.metadata
    import sysconfig

    venv = folder / ".venv"
    subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)], check=True)
    shared = sysconfig.get_paths()["purelib"]
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "_qkv_shared_packages.pth").write_text(shared + "\n", encoding="utf-8")
    wanted = {"jupyter-book", "jupyter", "jupyter-lab", "nbgrader"}
    for dist in importlib.metadata.distributions(path=[shared]):
        for entry in dist.entry_points:
            if entry.group == "console_scripts" and entry.name in wanted:
                script = venv / "bin" / entry.name
                script.write_text(f"#!{venv}/bin/python\nimport sys\nfrom {entry.module} import {entry.attr}\n"
                                  f"sys.exit({entry.attr}())\n", encoding="utf-8")
                script.chmod(0o755)
    mathjax = Path(sys.prefix) / "share" / "qkv-site"
    if mathjax.is_dir():
        (venv / "share").mkdir(exist_ok=True)
        (venv / "share" / "qkv-site").symlink_to(mathjax, target_is_directory=True)
    return venv
