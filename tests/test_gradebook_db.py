"""A shared PostgreSQL gradebook (``--db URL``), on a real server started here (Debian's postgresql,
installed by ``make test``). Two grading runs of different assignments write to it at the same time:
nothing is lost, and the formgrader's configuration (the course's db_url) reads every grade."""

from __future__ import annotations

import csv
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.test_grade_command import REFERENCE, release_of

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hub"))
import demo_course  # noqa: E402 - the hub's helpers: free_port


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


@pytest.fixture
def postgres():
    """A throwaway PostgreSQL cluster on a free port, run by the `postgres` system user; its URL."""
    if not _bin("initdb") or os.geteuid() != 0:
        pytest.skip("needs root and Debian's postgresql (make test installs it)")
    user = pwd.getpwnam("postgres")
    data = Path(tempfile.mkdtemp(prefix="qkv-pg-"))
    os.chmod(data, 0o755)
    os.chown(data, user.pw_uid, user.pw_gid)
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, _bin("initdb"), "-D", str(data / "db"), "--auth=trust", "-U", "postgres"],
                   check=True, capture_output=True)
    port = demo_course.free_port()  # not an ephemeral port: kernels take those
    subprocess.run([*as_postgres, _bin("pg_ctl"), "-D", str(data / "db"), "-l", str(data / "log"), "-w", "start",
                    "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, _bin("pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


def _two_assignments(tmp: Path) -> Path:
    solutions = tmp / "solutions"
    for name in ("00_toy", "00_toy_b"):
        (solutions / name).mkdir(parents=True)
        shutil.copy(REFERENCE, solutions / name / f"{name}.ipynb")
    return solutions


@pytest.mark.slow
def test_two_runs_share_one_postgresql_gradebook(postgres, tmp_path):
    solutions = _two_assignments(tmp_path)
    release = release_of(tmp_path)
    runs = {}
    for assignment in ("00_toy", "00_toy_b"):
        folder = tmp_path / f"class_{assignment}"
        folder.mkdir()
        for student in ("Ada", "Bob", f"only in {assignment}"):  # Ada and Bob are in both classes
            shutil.copy(REFERENCE if student != "Bob" else release, folder / f"{student}.ipynb")
        out = tmp_path / f"out_{assignment}"
        command = [sys.executable, "-m", "autograder", "grade", assignment, str(folder), "--out", str(out),
                   "--solutions", str(solutions), "--quiet", "--jobs", "1", "--db", postgres]
        runs[assignment] = (out, subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                                                  stderr=subprocess.STDOUT, text=True))
    for _, proc in runs.values():
        log, _ = proc.communicate(timeout=900)
        assert proc.returncode == 0, log
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from autograder import course

    for assignment, (out, _) in runs.items():
        with open(out / "grades.csv", encoding="utf-8") as handle:
            rows = {row["student"]: float(row["score"]) for row in csv.DictReader(handle)}
        assert rows == {"Ada": 6.0, "Bob": 0.0, f"only in {assignment}": 6.0}
        assert not (out / "nbgrader" / "gradebook.db").exists()  # the grades are in PostgreSQL only
        config = course.load_config(out / "nbgrader")  # what the formgrader reads in that folder
        assert config.CourseDirectory.db_url == postgres
        config.CourseDirectory.root = str(out / "nbgrader")
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        names = {s["id"]: s["first_name"] for s in api.get_students()}
        assert len(names) == 4  # Ada, Bob and one of each class: each student once
        assert {names[s["student"]]: s["score"] for s in api.get_submissions(assignment)} == rows
