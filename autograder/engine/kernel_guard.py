"""The test-helper guard, as it runs inside the learner's kernel.

The grader sends the source of :func:`_qkv_guard_install` to the kernel (the kernel cannot import
this package: the grader's code is hidden from it) and calls it once, before the first cell. It
snapshots the test helpers (``qkvlab.checks``, ``numpy.testing``, builtins, IPython's error
handling) and leaves two functions in ``builtins``:

* ``_qkv_guard_restore()``: put every snapshotted name, function body and hook back (run silently
  just before each test cell);
* ``_qkv_guard_check()``: the names changed since the snapshot, '' when none (run just after).

Keep this module self-contained: only the body of the function travels.
"""


def _qkv_guard_install():
    import builtins
    import importlib
    import sys
    import types

    import numpy  # noqa: F401 - snapshotted below
    import numpy.testing  # noqa: F401
    from IPython import get_ipython

    import qkvlab.checks  # noqa: F401

    shell = get_ipython()
    names = ["builtins", "numpy", "numpy.testing", "qkvlab", "qkvlab.checks"]
    snap, codes = {}, {}

    def take(name):
        module = sys.modules.get(name)
        if module is None or name in snap:
            return
        skip = {"input", "get_ipython", "display", "exit", "quit", "help", "copyright", "credits", "license"}
        snap[name] = (module, {k: v for k, v in vars(module).items() if not k.startswith("_") and k not in skip})
        for key, value in vars(module).items():
            if isinstance(value, types.FunctionType):
                codes[(name, key)] = (value, value.__code__, value.__defaults__, value.__kwdefaults__)

    for name in names:
        take(name)
    shell_state = (shell.custom_exceptions, shell.CustomTB, list(shell.input_transformers_post),
                   list(shell.ast_transformers), sys.excepthook, type(shell).run_cell, type(shell).showtraceback)

    def changed():
        bad = []
        for name, (module, saved) in snap.items():
            if sys.modules.get(name) is not module:
                bad.append(name)
                continue
            now = vars(module)
            bad += [f"{name}.{k}" for k, v in saved.items() if now.get(k, bad) is not v]
        bad += [f"{f.__module__}.{f.__name__}.__code__" for f, c, d, k in codes.values()
                if f.__code__ is not c or f.__defaults__ is not d or f.__kwdefaults__ is not k]
        if shell.custom_exceptions != shell_state[0] or "showtraceback" in vars(shell) or "run_cell" in vars(shell):
            bad.append("IPython error handling")
        if list(shell.input_transformers_post) != shell_state[2] or list(shell.ast_transformers) != shell_state[3]:
            bad.append("IPython input transformers")
        return ", ".join(sorted(set(bad))[:5])

    def restore():
        for name, (module, saved) in snap.items():
            sys.modules[name] = module
            vars(module).update(saved)
        for f, c, d, k in codes.values():
            f.__code__, f.__defaults__, f.__kwdefaults__ = c, d, k
        shell.custom_exceptions, shell.CustomTB = shell_state[0], shell_state[1]
        shell.input_transformers_post[:] = shell_state[2]
        shell.ast_transformers[:] = shell_state[3]
        sys.excepthook = shell_state[4]
        for attr in ("run_cell", "showtraceback", "run_cell_async", "run_ast_nodes", "run_code"):
            vars(shell).pop(attr, None)
        if "torch" in sys.modules and "torch.testing" not in snap:
            try:
                import torch.testing._comparison as comparison

                importlib.reload(comparison)
                sys.modules["torch.testing"].assert_close = comparison.assert_close
            except Exception:  # noqa: BLE001 - torch's helpers are optional
                pass
            take("torch.testing")

    builtins._qkv_guard_check = changed
    builtins._qkv_guard_restore = restore
