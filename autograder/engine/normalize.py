"""Normalisation: make a submission's nbgrader structure match the release before nbgrader sees it.

* cells with a known grade_id get the release's nbgrader metadata and cell type back (a learner may
  have edited flags or points, or turned a test cell into markdown);
* unknown or repeated grade_ids lose their nbgrader metadata (the last copy of a repeated id is
  kept, as nbgrader does);
* test and written-answer cells that are missing are put back after the cell that precedes them
  in the release (nbgrader then restores their source, hidden tests included);
* every cell gets a fresh, unique id.
"""

from __future__ import annotations

import copy

from autograder.course import grade_id, source_layout


def normalize(nb, release_nb) -> list[str]:
    """Normalise ``nb`` in place against ``release_nb``. Returns notes for the grade row's message."""
    layout = source_layout(release_nb)
    known = {gid: (meta, ctype) for gid, meta, ctype, _ in layout}
    last_index: dict[str, int] = {}
    for i, cell in enumerate(nb.cells):
        if grade_id(cell) in known:
            last_index[grade_id(cell)] = i
    notes = _reset_known_cells(nb, known, last_index)
    notes += _put_back_missing(nb, layout, dict(last_index))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return notes


def _reset_known_cells(nb, known: dict, last_index: dict[str, int]) -> list[str]:
    """Release metadata and type back on known cells; nbgrader metadata off unknown or repeated ones."""
    import nbformat

    notes = []
    for i, cell in enumerate(nb.cells):
        cell.setdefault("metadata", {})
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if gid not in known or last_index.get(gid) != i:
            del cell.metadata["nbgrader"]
            if gid in known:
                notes.append(f"repeated cell {gid} ignored")
            continue
        src_meta, ctype = known[gid]
        cell.metadata["nbgrader"] = nbformat.from_dict(copy.deepcopy(src_meta))
        if cell.cell_type != ctype:
            notes.append(f"cell {gid} turned back into {ctype}")
            cell.cell_type = ctype
            if ctype == "code":
                cell["outputs"], cell["execution_count"] = [], None
            else:
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
        if src_meta.get("locked") or (src_meta.get("grade") and not src_meta.get("solution")):
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False
    return notes


def _put_back_missing(nb, layout: list, position: dict[str, int]) -> list[str]:
    """Insert the graded cells the learner deleted, each after the release cell that precedes it."""
    import nbformat

    notes = []
    present = set(position)
    previous: str | None = None
    for gid, meta, ctype, src in layout:
        if gid not in present and meta.get("grade"):
            cell = nbformat.v4.new_code_cell(src) if ctype == "code" else nbformat.v4.new_markdown_cell(src)
            cell.metadata["nbgrader"] = nbformat.from_dict(copy.deepcopy(meta))
            at = (position[previous] + 1) if previous in position else len(nb.cells)
            nb.cells.insert(at, cell)
            for key, value in position.items():
                if value >= at:
                    position[key] = value + 1
            position[gid] = at
            notes.append(f"missing cell {gid} put back")
        if gid in position:
            previous = gid
    return notes
