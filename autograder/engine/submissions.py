"""Submissions: finding each student's notebook in a folder or a class zip, and safe ids for their names."""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Task:
    """One row of the class: a student and what they handed in."""

    index: int
    student: str
    sid: str
    path: str | None = None
    status: str = ""  # pre-set when nothing can be graded
    message: str = ""


def student_id(name: str) -> str:
    """A safe nbgrader id for any Unicode name: an ASCII slug plus a hash (unique, stable)."""
    slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "_", slug).strip("_")[:24] or "student"
    return f"{slug}_{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in {"__MACOSX", "Thumbs.db", "desktop.ini"}


def extract_zip(path: Path, dest: Path, limit_mb: int = 4096) -> Path:
    """Safely extract a class zip (no absolute paths, no '..', a size cap); return the folder of students."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if not info.flag_bits & 0x800:  # legacy cp437 names: most zippers really wrote UTF-8
                try:
                    name = name.encode("cp437").decode("utf-8")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
            if not parts or ".." in parts or info.is_dir():
                continue
            total += info.file_size
            if total > limit_mb * 2**20:
                raise ValueError(f"{path} holds more than {limit_mb} MB uncompressed; refusing to extract it")
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            if name.endswith("/"):
                continue
        for info in archive.infolist():  # empty student folders are rows too
            parts = [p for p in info.filename.split("/") if p]
            if info.is_dir() and parts and ".." not in parts:
                dest.joinpath(*parts).mkdir(parents=True, exist_ok=True)
    entries = [p for p in dest.iterdir() if not _ignored(p.name)]
    if len(entries) == 1 and entries[0].is_dir():
        inner = [p for p in entries[0].iterdir() if not _ignored(p.name)]
        if entries[0].name == path.stem or len(inner) > 1 or any(p.is_dir() for p in inner):
            return entries[0]  # the zip wraps the class in one folder (a lone student's folder holds one file)
    return dest


def discover(folder: Path, notebook: str) -> list[Task]:
    """One task per student: ``<student>/<any>.ipynb`` or ``<student>.ipynb``."""
    found: dict[str, Task] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name)):
        if _ignored(entry.name):
            continue
        if entry.is_dir():
            student = entry.name
            candidates = sorted(
                p for p in entry.rglob("*.ipynb")
                if not any(_ignored(part) for part in p.relative_to(entry).parts)
            )
            task = Task(0, student, student_id(student))
            if not candidates:
                task.status, task.message = "missing", "no .ipynb file in the folder"
            else:
                exact = [p for p in candidates if p.stem == notebook]
                chosen = exact[0] if exact else max(candidates, key=lambda p: (p.stat().st_size, p.name))
                task.path = str(chosen)
                if len(candidates) > 1:
                    task.message = f"{len(candidates)} notebooks found; graded {chosen.relative_to(entry)}"
        elif entry.suffix == ".ipynb":
            student = entry.stem
            task = Task(0, student, student_id(student), path=str(entry))
        else:
            continue
        if student in found:
            found[student].message = (found[student].message + f"; also found {entry.name}, ignored").lstrip("; ")
            continue
        found[student] = task
    tasks = sorted(found.values(), key=lambda t: t.student)
    for i, task in enumerate(tasks):
        task.index = i
    return tasks
