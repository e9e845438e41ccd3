"""Create (or, with --remove, delete) the demo course's Unix accounts. Run as root.

    python hub/create_users.py            # accounts of hub/course.json (or QKV_HUB_INSTRUCTOR/QKV_HUB_STUDENTS)
    python hub/create_users.py --remove   # delete them with their homes

Every account gets a private home (0700). Students find the course's release (notebooks/) in ~/qkv-notebooks;
the instructor gets an nbgrader course directory ~/qkv-course with the course's nbgrader settings
(autograder/nbgrader_config.py), the demo course id and exchange, and source/ = a copy of solutions/.
The repository's instructor-only folders (solutions/, autograder/, instructor/, tests/, scripts/, .git/) become
readable by root and the instructor only; --remove puts their previous permissions back.
Existing accounts are left as they are, except that their course files are refreshed.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_course  # noqa: E402

IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")


def exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
            os.lchown(name, entry.pw_uid, entry.pw_gid)


def instructor_config(course: demo_course.Course, course_dir: Path) -> str:
    """The course's nbgrader settings plus this hub's course id and exchange (the gradebook stays in course_dir)."""
    sys.path.insert(0, str(demo_course.REPO))
    from autograder.course import write_config

    write_config(course_dir)
    text = (course_dir / "nbgrader_config.py").read_text(encoding="utf-8")
    return text + (
        f"\n# The demo hub (hub/create_users.py)\n"
        f"c.CourseDirectory.root = {str(course_dir)!r}\n"
        f"c.CourseDirectory.course_id = {course.course_id!r}\n"
        f"c.Exchange.root = {str(course.exchange)!r}\n"
    )


def create(course: demo_course.Course) -> None:
    demo_course.make_state(course)
    for user in course.users:
        if not exists(user):
            subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", user], check=True)
        home = Path(pwd.getpwnam(user).pw_dir)
        home.chmod(0o700)
        if user == course.instructor:
            course_dir = home / demo_course.COURSE_DIR
            source = course_dir / "source"
            shutil.rmtree(source, ignore_errors=True)
            shutil.copytree(demo_course.REPO / "solutions", source, ignore=IGNORE)
            (course_dir / "nbgrader_config.py").write_text(instructor_config(course, course_dir), encoding="utf-8")
            chown_tree(course_dir, user)
        else:
            target = home / demo_course.NOTEBOOKS_DIR
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(demo_course.REPO / "notebooks", target, ignore=IGNORE)
            chown_tree(target, user)
        print(f"{user}: {home}")
    closed = demo_course.close_instructor_folders(course)
    print(f"readable by root and {course.instructor} only: {', '.join(closed)}")


def remove(course: demo_course.Course) -> None:
    for user in course.users:
        if exists(user):
            # userdel refuses while the user has processes: stop the hub (it stops their servers) first.
            subprocess.run(["userdel", "--remove", user], check=True)
            print(f"removed {user}")
    demo_course.reopen_instructor_folders(course)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--remove", action="store_true", help="delete the accounts and their homes")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("create_users.py must run as root (it creates Unix accounts)", file=sys.stderr)
        return 1
    course = demo_course.load()
    (remove if args.remove else create)(course)
    return 0


if __name__ == "__main__":
    sys.exit(main())
