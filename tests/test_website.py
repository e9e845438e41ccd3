"""The website as readers meet it, checked in a real headless Chromium.

The site is built with the same command as ``make build``, after ``scripts/execute_pages.py`` has run
the uncached pages in parallel (pages are cached, so an unchanged book rebuilds in seconds), served from
a local HTTP server on 127.0.0.1 and opened, for every page of ``_toc.yml``, in Debian's ``chromium``
driven by selenium through Debian's ``chromium-driver`` (no browser download; ``make browser`` installs
both). Screenshots go to ``_build/screenshots/``: each whole page at desktop width, its first screen at
phone width.

Pure-Python checks of the built HTML cover internal links and anchors, alt text, chapter overviews, and
that no solution or hidden test reaches the website. External links are checked by ``make linkcheck``,
which is not part of the test run.

Environment: ``QKV_SITE_NO_BUILD=1`` reuses an existing ``_build/html`` instead of building;
``QKV_BOOK_ROOT`` points the tests at another checkout; ``QKV_CHROMIUM`` / ``QKV_CHROMEDRIVER`` override
the browser and driver paths.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from autograder.gitfiles import tracked_files
from tests.browser import DESKTOP, start_chromium
from tests.browser import drain_logs as _drain_logs
from tests.browser import screenshot as _screenshot

pytestmark = pytest.mark.slow

ROOT = Path(os.environ.get("QKV_BOOK_ROOT", Path(__file__).resolve().parents[1])).resolve()
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
BUILD_CMD = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]

PHONE = (390, 844)  # a common phone's CSS width
SECRET_MARKERS = ["### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"]
VENDOR_DIRS = ("_static", "_mathjax")  # third-party assets, not course content


# --------------------------------------------------------------------------------------------- helpers


def toc_docnames() -> list[str]:
    """Every page of _toc.yml in reading order (globs expanded the way sphinx-external-toc does)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    names: list[str] = [toc["root"]]

    def add(entry: dict) -> None:
        if "file" in entry:
            names.append(str(Path(entry["file"]).with_suffix("")) if entry["file"].endswith((".md", ".ipynb"))
                         else entry["file"])
        if "glob" in entry:
            found = sorted({str(p.relative_to(ROOT).with_suffix(""))
                            for p in ROOT.glob(entry["glob"]) if p.suffix in (".md", ".ipynb")})
            names.extend(n for n in found if n not in names)
        for sub in entry.get("sections", []):
            add(sub)

    for part in toc.get("parts", [toc]):
        for chapter in part.get("chapters", []):
            add(chapter)
    return names


PAGES = toc_docnames()
EXERCISES = [d for d in PAGES if d.startswith("notebooks/")]
CHAPTER_INDEXES = [d for d in PAGES if re.fullmatch(r"book/\d\d_[a-z_]+/index", d)]


class _Page(HTMLParser):
    """Links, anchors, images and visible text of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (tag, url)
        self.imgs: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key) and (key == "id" or tag == "a"):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) is not None and tag in ("a", "img", "link", "script", "iframe", "source"):
                self.refs.append((tag, a[key]))
        if tag == "img":
            self.imgs.append(a)
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


@functools.cache
def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def html_path(docname: str) -> Path:
    return SITE / f"{docname}.html"


def built(docnames: list[str]) -> list[str]:
    """The pages that were built (test_every_toc_page_was_built reports the others)."""
    return [d for d in docnames if html_path(d).is_file()]


def page_text(docname: str) -> str:
    return "".join(parse(html_path(docname)).text)


def content_html_files() -> list[Path]:
    return sorted(p for p in SITE.rglob("*.html") if p.relative_to(SITE).parts[0] not in VENDOR_DIRS)


def repo_slug() -> tuple[str, str, str]:
    url = CONFIG["repository"]["url"].rstrip("/")
    owner, name = urllib.parse.urlparse(url).path.strip("/").split("/")[:2]
    return url, f"{owner}/{name}", CONFIG["repository"].get("branch", "main")


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def site_build(request) -> subprocess.CompletedProcess | None:
    """Build the site like `make build` does (unless QKV_SITE_NO_BUILD=1); return the finished process.

    The pages are executed once per session, in the learner kit's clean copy (tests/kit_build.py): its page
    cache is taken over here, and a page it did not execute (a kit page that differs) is executed again.
    """
    if os.environ.get("QKV_SITE_NO_BUILD") == "1" and (SITE / "index.html").is_file():
        return None
    kit = request.getfixturevalue("fresh_kit_build")
    if kit.build.returncode == 0 and kit.page_cache.is_dir():
        shutil.rmtree(ROOT / "_build" / ".jupyter_cache", ignore_errors=True)
        shutil.copytree(kit.page_cache, ROOT / "_build" / ".jupyter_cache")
    # Run the uncached pages on all cores first (the build then finds them cached), then build.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "execute_pages.py")], cwd=ROOT,
                   capture_output=True, text=True, timeout=1800)
    proc = subprocess.run(BUILD_CMD, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if not (SITE / "index.html").is_file():
        pytest.fail(f"the website did not build:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


@pytest.fixture(scope="session")
def site(site_build) -> Path:
    return SITE


@pytest.fixture(scope="session")
def server(site: Path):
    """A quiet static file server for the built site on 127.0.0.1 (a free port)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), DESKTOP)
    yield driver
    driver.quit()


# JavaScript run in the page once it has loaded.
WAIT_FOR_PAGE = """
const done = arguments[arguments.length - 1];
(async () => {
  for (const img of document.images) img.loading = 'eager';
  await Promise.all(Array.from(document.images).map(img => img.complete ? null :
      new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); })));
  const maths = document.querySelectorAll('.math');
  let mathjax = 'absent';
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    try { await MathJax.startup.promise; mathjax = 'ok'; } catch (e) { mathjax = 'failed: ' + e; }
  } else if (window.MathJax) {
    // the script may still be loading: poll for it
    for (let i = 0; i < 200 && !(MathJax.startup && MathJax.startup.promise); i++)
      await new Promise(r => setTimeout(r, 50));
    if (MathJax.startup && MathJax.startup.promise) {
      try { await MathJax.startup.promise; mathjax = 'ok'; } catch (e) { mathjax = 'failed: ' + e; }
    } else mathjax = 'never started';
  }
  // TeX that MathJax could not make sense of: an <merror>, or an undefined macro (shown in red).
  const texErrors = () => {
    if (mathjax !== 'ok') return [];
    const bad = [];
    try {
      for (const item of MathJax.startup.document.math) {
        if (/<merror|mathcolor="red"/.test(MathJax.startup.toMML(item.root))) bad.push(item.math.slice(0, 120));
      }
    } catch (e) { bad.push('could not inspect the typeset math: ' + e); }
    return bad;
  };
  done({
    mathjax,
    maths: maths.length,
    unrendered: Array.from(maths).filter(m => !m.querySelector('mjx-container'))
                     .map(m => m.textContent.trim().slice(0, 80)),
    mathErrors: Array.from(document.querySelectorAll('mjx-merror, [data-mjx-error]'))
                     .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120))
                     .concat(texErrors()),
    brokenImages: Array.from(document.images)
                     .filter(i => !(i.complete && i.naturalWidth > 0) && i.getAttribute('src'))
                     .map(i => i.getAttribute('src')),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    wideElements: Array.from(document.querySelectorAll('body *')).filter(e => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > window.innerWidth + 2 && getComputedStyle(e).position !== 'fixed';
      }).slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + String(e.className).replace(/ +/g, '.')),
  });
})();
"""


# Scroll widths of every <pre> in a page's article: code cells, their outputs and literal blocks.
PRE_WIDTHS = """
return Array.from(document.querySelectorAll('article pre, main .bd-article pre')).map(p => ({
  text: (p.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '')).slice(0, 120),
  scroll: p.scrollWidth, client: p.clientWidth}));
"""


def _local(url: str) -> bool:
    parsed = urllib.parse.urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname in ("127.0.0.1", "localhost")


def _visit(driver, url: str, width: int, height: int, mobile: bool) -> dict:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    driver.get(url)
    return driver.execute_async_script(WAIT_FOR_PAGE)


@pytest.fixture(scope="session")
def visits(browser, server) -> dict[str, dict]:
    """Open every TOC page at desktop and phone widths; record what the reader's browser saw."""
    for label in ("desktop", "phone"):  # leave other tests' screenshots (lab/) alone
        shutil.rmtree(SHOTS / label, ignore_errors=True)
    _drain_logs(browser)
    results = {}
    for docname in built(PAGES):
        record = {"errors": [], "requests": []}
        for label, (w, h), mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
            state = _visit(browser, f"{server}/{docname}.html", w, h, mobile)
            if label == "desktop":  # its code blocks' widths, measured before a screenshot resizes the view
                browser.execute_script("return document.fonts.ready.then(() => true)")
                state["pre"] = browser.execute_script(PRE_WIDTHS)
            # the whole page at desktop width; the phone's first screen (its width is measured, not seen)
            _screenshot(browser, SHOTS / label / f"{docname.replace('/', '__')}.png", full_page=label == "desktop")
            errors, urls = _drain_logs(browser)
            record[label] = state
            record["errors"] += errors
            record["requests"] += urls
        results[docname] = record
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return results


# --------------------------------------------------------------------------------------------- tests


def test_build_succeeds_without_warnings(site_build):
    if site_build is None:
        pytest.skip("QKV_SITE_NO_BUILD=1: reusing the existing build")
    tail = "\n".join(line for line in (site_build.stdout + site_build.stderr).splitlines()
                     if "WARNING" in line or "ERROR" in line)
    assert site_build.returncode == 0, f"`jupyter-book build . -W -n` failed:\n{tail[-6000:]}"


def test_every_toc_page_was_built(site):
    missing = [d for d in PAGES if not html_path(d).is_file()]
    assert not missing, f"pages of _toc.yml missing from the build: {missing}"
    assert EXERCISES, "_toc.yml lists no exercise notebook (notebooks/NN_name/NN_name.ipynb)"


def test_no_console_errors(visits):
    bad = {d: v["errors"] for d, v in visits.items() if v["errors"]}
    assert not bad, f"console errors (page: messages): {json.dumps(bad, indent=1)[:6000]}"


def test_every_image_loads(visits):
    bad = {d: v[w]["brokenImages"] for d, v in visits.items() for w in ("desktop", "phone") if v[w]["brokenImages"]}
    assert not bad, f"images that did not load (naturalWidth == 0): {bad}"


def test_mathjax_renders_every_formula_locally(visits):
    problems = {}
    for docname, v in visits.items():
        state = v["desktop"]
        if state["maths"] and state["mathjax"] != "ok":
            problems[docname] = f"{state['maths']} formulas but MathJax {state['mathjax']}"
        elif state["unrendered"] or state["mathErrors"]:
            problems[docname] = {"not typeset": state["unrendered"][:5], "TeX errors": state["mathErrors"][:5]}
    assert not problems, f"math problems: {json.dumps(problems, indent=1)}"
    assert any(v["desktop"]["maths"] for v in visits.values()), "no page has any math: is MathJax wired up at all?"
    scripts = {src for d in built(PAGES) for tag, src in parse(html_path(d)).refs
               if tag == "script" and "mathjax" in src.lower()}
    assert scripts and all("_mathjax/" in s and "://" not in s for s in scripts), f"MathJax not local: {scripts}"


def test_no_request_leaves_localhost(visits):
    remote = {d: sorted({u for u in v["requests"] if not _local(u)}) for d, v in visits.items()}
    remote = {d: u for d, u in remote.items() if u}
    assert not remote, f"requests to other hosts (the site must work offline): {remote}"
    assert all(v["requests"] for v in visits.values()), "the network log recorded nothing: is it switched on?"


def test_pages_fit_a_phone_screen(visits):
    wide = {d: {"overflow_px": v["phone"]["overflow"], "widest": v["phone"]["wideElements"]}
            for d, v in visits.items() if v["phone"]["overflow"] > 2}
    assert not wide, f"pages wider than a {PHONE[0]} px phone screen (horizontal scrolling): {wide}"


def test_screenshots_taken(visits):
    for label in ("desktop", "phone"):
        shots = list((SHOTS / label).glob("*.png"))
        assert len(shots) == len(built(PAGES)), f"{label}: {len(shots)} screenshots for {len(built(PAGES))} pages"
        assert all(s.stat().st_size > 2000 for s in shots)


def search_word() -> str:
    """A word that chapter 3's own pages use often (so it has to be found there)."""
    sources = [p for p in (ROOT / "book").glob("03_*/*.md")]
    words = Counter(w.lower() for p in sources for w in re.findall(r"\b[A-Za-z]{7,}\b", p.read_text()))
    stop = {"chapter", "because", "between", "through", "example", "function", "without", "writing"}
    for word, _ in words.most_common():
        if word not in stop:
            return word
    return "attention"


def test_search_finds_chapter_3(browser, server):
    word = search_word()
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get(f"{server}/search.html?q={urllib.parse.quote(word)}")
    deadline, status = time.time() + 60, ""
    while time.time() < deadline:  # results appear one by one, then the summary line says it is done
        status = browser.execute_script(
            "const s = document.querySelector('#search-results .search-summary'); return s ? s.textContent : ''")
        if "finished" in status or "did not match" in status:
            break
        time.sleep(0.2)
    hrefs = browser.execute_script(
        "return Array.from(document.querySelectorAll('#search-results a')).map(a => a.getAttribute('href'))")
    assert "finished" in status, f"the search for {word!r} did not finish: {status!r}"
    assert any("03_" in h for h in hrefs), f"searching {word!r} found no chapter 3 page; results: {hrefs}"
    errors, _ = _drain_logs(browser)
    assert not errors, f"console errors on the search page: {errors}"


def test_launch_and_download_buttons(browser, server):
    url, slug, branch = repo_slug()
    launch = CONFIG.get("launch_buttons", {})
    hub = (launch.get("jupyterhub_url") or "").rstrip("/")
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert built(EXERCISES), "no exercise page was built"
    for docname in built(EXERCISES):
        browser.get(f"{server}/{docname}.html")
        links = browser.execute_script("""
            const pick = sel => Array.from(document.querySelectorAll(sel)).map(a => a.href);
            return {launch: pick('.dropdown-launch-buttons a'), download: pick('.dropdown-download-buttons a'),
                    visible: Array.from(document.querySelectorAll('.dropdown-launch-buttons > button,'
                             + ' .dropdown-download-buttons > button')).filter(b => b.offsetWidth > 0).length};
        """)
        nb = f"{docname}.ipynb"
        expected = {
            "Binder": f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{slug}/{branch}?urlpath=lab/tree/{nb}",
            "Colab": f"{launch['colab_url'].rstrip('/')}/github/{slug}/blob/{branch}/{nb}",
        }
        if hub:
            repo_q = urllib.parse.quote(url, safe="/")
            expected["JupyterHub"] = (f"{hub}/hub/user-redirect/git-pull?repo={repo_q}"
                                      f"&urlpath=lab/tree/{slug.split('/')[1]}/{nb}&branch={branch}")
        for name, want in expected.items():
            assert want in links["launch"], f"{docname}: {name} button should open {want}; has {links['launch']}"
        assert links["visible"] >= 2, f"{docname}: launch/download buttons not visible"
        downloads = [h for h in links["download"] if h.endswith(".ipynb")]
        assert downloads, f"{docname}: no .ipynb download button; has {links['download']}"
        with urllib.request.urlopen(downloads[0]) as response:  # noqa: S310 (our own local server)
            served = response.read()
        assert served == (ROOT / nb).read_bytes(), f"{docname}: the download is not the student notebook {nb}"


def test_navigation_toc_and_prev_next(site):
    """Every page links to every chapter (the sidebar table of contents) and to its neighbours."""
    pages = built(PAGES)
    chapters = {html_path(d).resolve() for d in built(CHAPTER_INDEXES)}
    problems = []
    for i, docname in enumerate(pages):
        page = html_path(docname)
        source = page.read_text()
        targets = {(page.parent / urllib.parse.urlparse(h).path).resolve()
                   for tag, h in parse(page).refs if tag == "a" and not urllib.parse.urlparse(h).scheme}
        if missing := chapters - targets - {page.resolve()}:
            problems.append(f"{docname}: table of contents lacks {sorted(p.name for p in missing)}")
        if i > 0 and 'class="left-prev"' not in source:
            problems.append(f"{docname}: no 'previous' link")
        if i < len(pages) - 1 and 'class="right-next"' not in source:
            problems.append(f"{docname}: no 'next' link")
    assert not problems, "\n".join(problems)


def test_internal_links_and_anchors_resolve(site):
    broken = []
    for page in content_html_files():
        for tag, ref in parse(page).refs:
            parsed = urllib.parse.urlparse(ref)
            if parsed.scheme or ref.startswith("//") or ref in ("", "#"):
                continue
            target = (page.parent / urllib.parse.unquote(parsed.path)).resolve() if parsed.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(SITE)}: <{tag}> {ref} (no such file)")
                continue
            fragment = urllib.parse.unquote(parsed.fragment)
            if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{page.relative_to(SITE)}: {ref} (no anchor #{fragment})")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:50])


def test_figures_have_alt_text(site):
    missing = []
    for docname in built(PAGES):
        for img in parse(html_path(docname)).imgs:
            alt, src = (img.get("alt") or "").strip(), img.get("src") or ""
            if "logo" in (img.get("class") or ""):
                continue
            if not alt or re.search(r"\.(png|jpe?g|svg|gif|webp)$", alt, re.I) or alt == src:
                missing.append(f"{docname}: {src} (alt={alt!r})")
    assert not missing, ("figures without alt text (add mystnb: image: alt: ... to the cell):\n"
                         + "\n".join(missing))


def test_code_cells_show_outputs_and_no_errors(site):
    problems = []
    for docname in built(PAGES):
        if not docname.startswith("book/"):
            continue
        source = html_path(docname).read_text()
        if 'class="cell docutils container"' in source and "cell_output" not in source:
            problems.append(f"{docname}: code cells but no outputs (was the page executed?)")
        if re.search(r'class="[^"]*\b(traceback|output error)\b', source):
            problems.append(f"{docname}: shows an error traceback")
    assert not problems, "\n".join(problems)


_NUMBER = r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|half an?)"
# "90 minutes", "60 to 90 minutes", "1-2 h", "about an hour", "two and a half hours"
TIME_ESTIMATE = (rf"\b{_NUMBER}(?:\s*(?:[-–]|to)\s*{_NUMBER})?(?:\s+and\s+a\s+half)?\s*"
                 r"(?:min(?:ute)?s?|hours?|h)\b")


def test_chapter_overviews_say_what_prerequisites_and_time():
    assert CHAPTER_INDEXES, "no chapter overview pages (book/NN_name/index.md) in _toc.yml"
    problems = []
    for docname in CHAPTER_INDEXES:
        text = (ROOT / f"{docname}.md").read_text()
        if not re.search(r"prerequisite|you should know|before you start", text, re.I):
            problems.append(f"{docname}: no prerequisites")
        if not re.search(TIME_ESTIMATE, text, re.I):
            problems.append(f"{docname}: no time estimate (e.g. '90 minutes')")
        if not re.search(r"learn|teach|you will|objective|by the end", text, re.I):
            problems.append(f"{docname}: does not say what it teaches")
    assert not problems, "chapter overviews must say what they teach, prerequisites and time:\n" + "\n".join(problems)


def _secret_lines(notebook: Path) -> list[str]:
    """Code lines found only inside the solution and hidden-test regions of a reference notebook.

    Lines that also occur outside those regions (in visible tests, prose or the stub) are public anyway.
    """
    if not notebook.is_file():
        return []
    inside, outside = set(), []
    for cell in json.loads(notebook.read_text())["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        public = source
        for begin, end in (("### BEGIN SOLUTION", "### END SOLUTION"),
                           ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")):
            pattern = re.escape(begin) + r"(.*?)" + re.escape(end)
            for block in re.findall(pattern, source, re.S):
                inside.update(ln.strip() for ln in block.splitlines())
            public = re.sub(pattern, "", public, flags=re.S)
        outside.append(public)
    public_text = "\n".join(outside)
    return sorted(ln for ln in inside if len(ln) >= 25 and not ln.startswith("#") and ln not in public_text)


def test_no_solution_or_hidden_test_on_the_site(site):
    leaks = []
    for path in sorted(p for p in SITE.rglob("*") if p.is_file()):
        rel = path.relative_to(SITE)
        if rel.parts[0] in VENDOR_DIRS or path.suffix not in (".html", ".ipynb", ".md", ".txt", ".js", ".json", ".py"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{rel}: {m!r}" for m in SECRET_MARKERS if m in text or html.escape(m) in text]
    for docname in built(EXERCISES):
        name = Path(docname).name
        secrets = _secret_lines(ROOT / "solutions" / name / f"{name}.ipynb")
        texts = {"page": page_text(docname)}
        source = SITE / "_sources" / f"{docname}.ipynb"
        if source.is_file():
            texts["download"] = "".join(
                "".join(c["source"]) for c in json.loads(source.read_text())["cells"])
        for where, text in texts.items():
            leaks += [f"{docname} ({where}): solution/hidden-test line {ln!r}" for ln in secrets if ln in text]
    assert not leaks, "secrets on the website:\n" + "\n".join(leaks[:40])


# Colour maps that readers with a colour-vision deficiency cannot read (red-green or rainbow ramps).
UNSAFE_CMAPS = {"jet", "rainbow", "hsv", "gist_rainbow", "nipy_spectral", "gist_ncar", "turbo", "RdYlGn", "Spectral",
                "prism", "flag", "brg", "gist_stern", "CMRmap", "RdGy", "PiYG"}


def test_colour_maps_are_colour_blind_safe():
    """Figures use qkvlab.plots' maps (cividis, PuOr, Okabe-Ito), never a rainbow or red-green ramp."""
    sources = [ROOT / folder / p for folder, suffix in (("book", ".md"), ("solutions", ".ipynb"), ("qkvlab", ".py"))
               for p in tracked_files(ROOT / folder) if p.suffix == suffix]
    pattern = re.compile(r"""(?:cmap\s*=\s*|get_cmap\(\s*|colormaps\[\s*)["']([A-Za-z_]+?)(?:_r)?["']""")
    bad = [f"{p.relative_to(ROOT)}: {name}" for p in sources
           for name in pattern.findall(p.read_text(encoding="utf-8", errors="replace")) if name in UNSAFE_CMAPS]
    assert not bad, "colour maps that are not colour-blind safe (use qkvlab.plots' cividis / PuOr):\n" + "\n".join(bad)


def test_no_code_block_scrolls_sideways_at_desktop_width(visits):
    """At the book's default (desktop) width, no code cell, output or literal block scrolls horizontally (measured
    in each page's desktop visit, once its fonts, images and formulas are in)."""
    wide, seen = {}, 0
    for docname in [d for d in visits if d.startswith("book/")]:
        blocks = visits[docname]["desktop"]["pre"]
        seen += len(blocks)
        bad = [f"{b['scroll'] - b['client']} px too wide: {b['text']!r}" for b in blocks
               if b["scroll"] > b["client"] + 1]
        if bad:
            wide[docname] = bad
    assert seen, "no <pre> found in any book page: has the theme's markup changed?"
    assert not wide, f"code blocks that scroll sideways at {DESKTOP[0]} px: {json.dumps(wide, indent=1)[:6000]}"
