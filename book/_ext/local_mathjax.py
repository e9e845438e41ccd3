"""Serve MathJax from the website itself instead of a CDN.

``scripts/install_site_deps.sh`` installs the npm package ``mathjax`` (version 3) under
``.venv/share/qkv-site``. When the HTML build finishes, this extension copies the parts of it
that a page can load (the ``tex-mml-chtml`` component, the TeX extensions it autoloads, the
CHTML fonts, the menu, the accessibility components and the speech rules) into
``_build/html/_mathjax/``, and ``_config.yml`` points ``mathjax_path`` there, so the site
works offline and behind firewalls.

Deliberately not an ``html_static_path`` folder: Jupyter Book 1 adds every JavaScript and CSS
file of such a folder to every page.

Config values (``sphinx: config:`` in ``_config.yml``):

``local_mathjax_source``
    the ``es5`` folder of the npm package; the environment variable ``QKV_MATHJAX_DIR``
    overrides it. Relative paths are relative to the book root.
``local_mathjax_target``
    the folder inside the HTML output, ``_mathjax`` by default.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

DEFAULT_SOURCE = ".venv/share/qkv-site/node_modules/mathjax/es5"
ENTRY = "tex-mml-chtml.js"
# What the tex-mml-chtml component can request at run time (relative to es5/).
PARTS = [ENTRY, "input", "output/chtml", "output/chtml.js", "ui", "a11y", "sre"]


def _source(app: Sphinx) -> Path:
    raw = os.environ.get("QKV_MATHJAX_DIR") or app.config.local_mathjax_source
    path = Path(raw)
    return path if path.is_absolute() else Path(app.confdir) / path


def _check(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    if str(app.config.mathjax_path).startswith(("http://", "https://", "//")):
        logger.warning(
            "mathjax_path is a remote URL (%s); the course serves MathJax locally, set it to "
            "'../%s/%s'", app.config.mathjax_path, app.config.local_mathjax_target, ENTRY,
            type="local_mathjax",
        )
    if not (_source(app) / ENTRY).is_file():
        logger.warning(
            "local MathJax not found in %s: run scripts/install_site_deps.sh (make setup does)",
            _source(app), type="local_mathjax",
        )


def _copy_tree(src: Path, dst: Path) -> int:
    """Copy ``src`` (file or folder) to ``dst``, skipping files whose size and mtime match. Returns files copied."""
    copied = 0
    files = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
    for file in files:
        target = dst if src.is_file() else dst / file.relative_to(src)
        stat = file.stat()
        if target.is_file():
            tstat = target.stat()
            if tstat.st_size == stat.st_size and int(tstat.st_mtime) == int(stat.st_mtime):
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
        copied += 1
    return copied


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    src = _source(app)
    if not (src / ENTRY).is_file():
        return  # already reported by _check
    dst = Path(app.outdir) / app.config.local_mathjax_target
    copied = sum(_copy_tree(src / part, dst / part) for part in PARTS if (src / part).exists())
    licence = src.parent / "LICENSE"
    if licence.is_file():
        copied += _copy_tree(licence, dst / "LICENSE")
    if copied:
        logger.info("local_mathjax: copied %d files into %s", copied, dst)


def setup(app: Sphinx) -> dict:
    app.add_config_value("local_mathjax_source", DEFAULT_SOURCE, "html")
    app.add_config_value("local_mathjax_target", "_mathjax", "html")
    app.connect("builder-inited", _check)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
