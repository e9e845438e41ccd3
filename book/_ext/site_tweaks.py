"""Small fixes to what Jupyter Book 1 puts in each page (found by tests/test_website.py).

* Inline scripts added after the builder starts (sphinx-thebe's ``const THEBE_JS_URL ...`` and
  sphinx-togglebutton's selector) end up twice in every page with Sphinx 7.4; the second
  ``const`` declaration is a console error (``Identifier 'THEBE_JS_URL' has already been declared``).
  Drop the duplicates.
* The Colab button cannot open a MyST Markdown page (Colab only reads ``.ipynb``): keep it on the
  exercise notebooks only. Binder and JupyterHub open Markdown pages through jupytext.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _js_key(js) -> tuple:
    filename = getattr(js, "filename", js) or ""
    attributes = getattr(js, "attributes", {}) or {}
    return (str(filename), getattr(js, "priority", 500), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _tidy(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        seen, kept = set(), []
        for js in scripts:
            key = _js_key(js)
            if key not in seen:
                seen.add(key)
                kept.append(js)
        scripts[:] = kept

    if pagename in app.env.all_docs and app.env.doc2path(pagename).endswith(".ipynb"):
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            group["buttons"] = [b for b in group.get("buttons", []) if b.get("text") != "Colab"]


def setup(app: Sphinx) -> dict:
    # After sphinx-book-theme adds its launch buttons (priority 501).
    app.connect("html-page-context", _tidy, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
