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
#: under pytest-xdist one worker runs them all, in order (the learner kit is exported from notebooks/; the website
#: build writes _build/ from the kit's page cache). (test_hub is a group of its own: it copies notebooks/ and
#: solutions/ once, as its hub starts, and only narrows folders' permissions, which root's tests do not feel.)
COURSE_TREE = {"test_code_width", "test_exercise_contract", "test_feedback_math", "test_learner_kit",
               "test_numbers", "test_release", "test_repo", "test_website"}
#: Single tests that change the tree itself: test_lab's last test saves a release notebook in place and removes
#: what JupyterLab left in notebooks/. (test_lab's other tests work on a copy of notebooks/, and test_notebooks
#: only reads solutions/: each is a group of its own, beside the course tree.)
IN_PLACE = {"test_lab.py::test_opening_and_saving_in_the_course_leaves_the_release_check_passing"}


def group_of(nodeid: str) -> str:
    """The xdist group of a test: ``course-tree`` for the modules and tests above, one group per assignment of
    the bank (``test_case[<assignment>:<student>]``), else the module (its module fixtures then run once)."""
    module = Path(nodeid.split("::")[0]).stem
    if module in COURSE_TREE or nodeid.split("/")[-1].split("[")[0] in IN_PLACE:
        return "course-tree"
    if module == "test_bank" and "[" in nodeid:
        return "bank-" + nodeid.rsplit("[", 1)[1].split(":")[0]
    return module


#: Seconds each long group took in a full run (two workers), only to hand out the longest groups first: a long
#: group started last would leave the other worker idle at the end. A group not listed comes after these.
GROUP_SECONDS = {"course-tree": 410, "bank-05_attention_at_work": 180, "test_grade_command": 150,
                 "test_lab": 110, "test_hub": 110, "test_notebooks": 105, "bank-01_static_embeddings": 100,
                 "bank-07_contextual_embeddings": 90, "bank-06_seq2seq": 80, "bank-04_transformer": 80,
                 "bank-03_attention": 60, "bank-02_positional_encoding": 60, "test_dask": 35, "test_gradebook_db": 20}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs two workers with ``--dist loadgroup``, grouped by :func:`group_of`, the longest
    groups first. (pytest-xdist's own ``xdist_group`` marks do nothing on pytest 9: xdist 3.8 renames
    ``item._nodeid``, which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

        def _assign_work_unit(self, node) -> None:
            if not getattr(self, "_longest_first", False):  # the queue is complete before the first unit goes
                self._longest_first = True
                for scope in sorted(self.workqueue, key=lambda g: -GROUP_SECONDS.get(g, 0)):
                    self.workqueue.move_to_end(scope)
            super()._assign_work_unit(node)

    return CourseGroups(config, log)


def bank_root(config) -> Path | None:
    value = config.getoption("--bank")
    return Path(value).resolve() if value else None


@pytest.fixture(scope="session")
def fresh_kit_build(tmp_path_factory):
    """The learner kit, copied, given a fresh virtualenv and built (tests/kit_build.py); once per session."""
    from tests import kit_build

    return kit_build.build_fresh_kit(tmp_path_factory.mktemp("fresh-kit"))
