"""The code the grader runs silently in the kernel around test cells (see :mod:`kernel_guard`)."""

from __future__ import annotations

import ast
import inspect

from autograder.course import is_answer
from autograder.engine import kernel_guard

CHECK_EXPRESSION = "_qkv_guard_check()"


def install_code() -> str:
    """The guard's installer, as source to run once in a fresh kernel."""
    functions = (kernel_guard._qkv_guard_modules, kernel_guard._qkv_guard_shell, kernel_guard._qkv_guard_classes,
                 kernel_guard._qkv_guard_machinery, kernel_guard._qkv_guard_install)
    sources = "\n\n".join(inspect.getsource(f) for f in functions)
    names = ", ".join(f.__name__ for f in functions)
    return f"{sources}\n_qkv_guard_install()\ndel {names}\n"


def restore_code(release_nb) -> str:
    """Restore the helpers, then re-run the import lines of the release's own (trusted) cells."""
    imports: list[str] = []
    for cell in release_nb.cells:
        if cell.cell_type != "code" or is_answer(cell):
            continue  # the learner's cells are not trusted
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            star = isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
            if isinstance(node, (ast.Import, ast.ImportFrom)) and not star:
                line = ast.unparse(node)
                if line not in imports:
                    imports.append(line)
    guarded = [f"try:\n    {line}\nexcept Exception:\n    pass" for line in imports]
    return "\n".join(["_qkv_guard_restore()", *guarded])
