"""The test-helper guard, as it runs inside the learner's kernel.

The grader sends the source of :func:`_qkv_guard_install` to the kernel (the kernel cannot import
this package: the grader's code is hidden from it) and calls it once, before the first cell. It
snapshots the test helpers (``qkvlab.checks``, ``numpy.testing``, builtins, IPython's error
handling) and leaves two functions in ``builtins``:

* ``_qkv_guard_restore()``: put every snapshotted name, function body and hook back (run silently
  just before each test cell);
* ``_qkv_guard_check()``: the names changed since the snapshot, '' when none (run just after).

The modules and IPython's error handling are snapshotted by :func:`_qkv_guard_modules` and
:func:`_qkv_guard_shell`. It also holds IPython's and ipykernel's execution machinery (:func:`_qkv_guard_machinery`,
:func:`_qkv_guard_classes`): a cell that rewrites later cells (the input transformer manager, the compiler, the
shell's or the kernel's methods, the kernel's message handlers) would otherwise turn every test cell into ``pass``.

Keep this module self-contained: only the source of its functions travels.
"""


def _qkv_guard_classes(owners):
    """Snapshot the functions of every class in the owners' MROs, with their code; return ``(restore, changed)``.

    A class patched at run time (a method replaced, added to shadow a base class's, deleted) is put back."""
    import types

    classes = {c for o in owners for c in type(o).__mro__ if c is not object}
    methods = {c: {k: (v, getattr(v, "__code__", None)) for k, v in vars(c).items() if callable(v)} for c in classes}

    def changed():
        bad = []
        for c, saved in methods.items():
            now = {k: v for k, v in vars(c).items() if callable(v)}
            bad += [f"{c.__name__}.{k}" for k, v in now.items()
                    if k not in saved or saved[k][0] is not v or getattr(v, "__code__", None) is not saved[k][1]]
            bad += [f"{c.__name__}.{k}" for k in saved if k not in now]
        return bad

    def restore():
        for c, saved in methods.items():
            for k in [k for k, v in vars(c).items() if callable(v) and k not in saved]:
                delattr(c, k)
            for k, (v, code) in saved.items():
                if vars(c).get(k) is not v:
                    setattr(c, k, v)
                if isinstance(v, types.FunctionType) and v.__code__ is not code:
                    v.__code__ = code

    return restore, changed


def _qkv_guard_machinery(shell):
    """Snapshot the objects that turn a cell's text into a reply; return ``(restore, changed)``.

    For each object: its classes (:func:`_qkv_guard_classes`), its own callables (a method assigned on the
    instance shadows the class's), its lists of callables (the transformer manager's passes), and the objects it
    hands the work to.
    """
    kernel = getattr(shell, "kernel", None)
    owners = [shell, shell.input_transformer_manager, shell.compile, shell.displayhook, shell.display_pub,
              kernel, getattr(kernel, "session", None), getattr(kernel, "iopub_socket", None)]
    owners = [o for o in owners if o is not None]
    links = [(o, a) for o, names in ((shell, ("input_transformer_manager", "compile", "displayhook", "display_pub",
                                              "kernel")), (kernel, ("session", "iopub_socket")))
             for a in names if hasattr(o, a)]
    linked = {(id(o), a): getattr(o, a) for o, a in links}
    tables = {name: dict(getattr(kernel, name)) for name in ("shell_handlers", "control_handlers")
              if isinstance(getattr(kernel, name, None), dict)}
    restore_classes, classes_changed = _qkv_guard_classes(owners)
    own = {id(o): {k: v for k, v in vars(o).items() if callable(v)} for o in owners if hasattr(o, "__dict__")}
    passes = [(v, list(v)) for o in owners for k, v in getattr(o, "__dict__", {}).items()
              if isinstance(v, list) and ("transform" in k or any(callable(x) for x in v))]

    def changed():
        bad = [a for o, a in links if getattr(o, a, None) is not linked[(id(o), a)]]
        bad += [n for n, saved in tables.items() if getattr(kernel, n) != saved]
        bad += ["a list of passes" for now, saved in passes if now != saved]
        bad += classes_changed()
        for o in owners:
            now = {k: v for k, v in getattr(o, "__dict__", {}).items() if callable(v)}
            bad += [f"{type(o).__name__}.{k}" for k, v in now.items() if own[id(o)].get(k) is not v]
        return bad

    def restore():
        for o, a in links:
            setattr(o, a, linked[(id(o), a)])
        for n, saved in tables.items():
            getattr(kernel, n).clear()
            getattr(kernel, n).update(saved)
        for now, saved in passes:
            now[:] = saved
        restore_classes()
        for o in owners:
            for k, v in [(k, v) for k, v in getattr(o, "__dict__", {}).items() if callable(v)]:
                if own[id(o)].get(k) is not v:
                    vars(o).pop(k)
            for k, v in own[id(o)].items():
                vars(o)[k] = v

    return restore, changed


def _qkv_guard_modules(names):
    """Snapshot modules' public names and their functions' code; return ``(restore, changed, take, taken)``.

    ``take(name)`` adds a module later (one imported after the install); ``taken`` holds what is snapshotted."""
    import sys
    import types

    taken, codes = {}, {}
    skip = {"input", "get_ipython", "display", "exit", "quit", "help", "copyright", "credits", "license"}

    def take(name):
        module = sys.modules.get(name)
        if module is None or name in taken:
            return
        taken[name] = (module, {k: v for k, v in vars(module).items() if not k.startswith("_") and k not in skip})
        for key, value in vars(module).items():
            if isinstance(value, types.FunctionType):
                codes[(name, key)] = (value, value.__code__, value.__defaults__, value.__kwdefaults__)

    def changed():
        bad = []
        for name, (module, saved) in taken.items():
            if sys.modules.get(name) is not module:
                bad.append(name)
                continue
            now = vars(module)
            bad += [f"{name}.{k}" for k, v in saved.items() if now.get(k, bad) is not v]
        bad += [f"{f.__module__}.{f.__name__}.__code__" for f, c, d, k in codes.values()
                if f.__code__ is not c or f.__defaults__ is not d or f.__kwdefaults__ is not k]
        return bad

    def restore():
        for name, (module, saved) in taken.items():
            sys.modules[name] = module
            vars(module).update(saved)
        for f, c, d, k in codes.values():
            f.__code__, f.__defaults__, f.__kwdefaults__ = c, d, k

    for name in names:
        take(name)
    return restore, changed, take, taken


def _qkv_guard_shell(shell):
    """Snapshot IPython's error handling and its lists of transformers; return ``(restore, changed)``."""
    import sys

    state = (shell.custom_exceptions, shell.CustomTB, list(shell.input_transformers_post),
             list(shell.ast_transformers), sys.excepthook)

    def changed():
        bad = []
        if shell.custom_exceptions != state[0] or "showtraceback" in vars(shell) or "run_cell" in vars(shell):
            bad.append("IPython error handling")
        if list(shell.input_transformers_post) != state[2] or list(shell.ast_transformers) != state[3]:
            bad.append("IPython input transformers")
        return bad

    def restore():
        shell.custom_exceptions, shell.CustomTB = state[0], state[1]
        shell.input_transformers_post[:] = state[2]
        shell.ast_transformers[:] = state[3]
        sys.excepthook = state[4]
        for attr in ("run_cell", "showtraceback", "run_cell_async", "run_ast_nodes", "run_code"):
            vars(shell).pop(attr, None)

    return restore, changed


def _qkv_guard_install():
    import builtins
    import importlib
    import sys

    import numpy  # noqa: F401 - snapshotted below
    import numpy.testing  # noqa: F401
    from IPython import get_ipython

    import qkvlab.checks  # noqa: F401

    shell = get_ipython()
    restore_modules, modules_changed, take, taken = _qkv_guard_modules(
        ["builtins", "numpy", "numpy.testing", "qkvlab", "qkvlab.checks"])
    restore_shell, shell_changed = _qkv_guard_shell(shell)
    restore_machinery, machinery_changed = _qkv_guard_machinery(shell)

    def changed():
        bad = modules_changed() + shell_changed()
        bad += [f"IPython's execution ({name})" for name in machinery_changed()]
        return ", ".join(sorted(set(bad))[:5])

    def restore():
        restore_modules()
        restore_shell()
        restore_machinery()
        if "torch" in sys.modules and "torch.testing" not in taken:  # imported by a cell: its helper, pristine
            try:
                import torch.testing._comparison as comparison

                importlib.reload(comparison)
                sys.modules["torch.testing"].assert_close = comparison.assert_close
            except Exception:  # noqa: BLE001 - torch's helpers are optional
                pass
            take("torch.testing")

    builtins._qkv_guard_check = changed
    builtins._qkv_guard_restore = restore
