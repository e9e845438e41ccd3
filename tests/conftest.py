"""Shared pytest options for the course's test suite."""

from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--bank",
        action="store",
        default="",
        help="grade the planted answers of this bank folder (<assignment>/{mistakes,alternatives}/*.py) "
        "instead of autograder/bank",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes minutes (nbgrader round trips, book build, browser)")


#: Modules that read or write the course's own tree (notebooks/, _build/) or share the learner kit's build:
#: under pytest-xdist one worker runs them all, in order (test_lab saves a release notebook in place and
#: removes what JupyterLab left in notebooks/; the website build writes _build/ from the kit's page cache).
COURSE_TREE = {"test_code_width", "test_exercise_contract", "test_feedback_math", "test_hub", "test_lab",
               "test_learner_kit", "test_notebooks", "test_numbers", "test_release", "test_repo", "test_website"}


def test_group(nodeid: str) -> str:
    """The xdist group of a test: ``course-tree`` for the modules above, one group per assignment of the bank
    (``test_case[<assignment>:<student>]``), else the module (its module fixtures then run once)."""
    module = Path(nodeid.split("::")[0]).stem
    if module in COURSE_TREE:
        return "course-tree"
    if module == "test_bank" and "[" in nodeid:
        return "bank-" + nodeid.rsplit("[", 1)[1].split(":")[0]
    return module


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs two workers with ``--dist loadgroup``, grouped by :func:`test_group`. (pytest-xdist's
    own ``xdist_group`` marks do nothing on pytest 9: xdist 3.8 renames ``item._nodeid``, which pytest 9 no
    longer reads.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return test_group(nodeid)

    return CourseGroups(config, log)


def bank_root(config) -> Path | None:
    value = config.getoption("--bank")
    return Path(value).resolve() if value else None


@pytest.fixture(scope="session")
def fresh_kit_build(tmp_path_factory):
    """The learner kit, copied, given a fresh virtualenv and built (tests/kit_build.py); once per session."""
    from tests import kit_build

    return kit_build.build_fresh_kit(tmp_path_factory.mktemp("fresh-kit"))
