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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Groups for ``--dist loadgroup`` (``make test`` runs two workers): the course-tree modules together;
    every other module on its own (its module fixtures run once); the bank one assignment at a time."""
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        module = item.path.stem
        group = "course-tree" if module in COURSE_TREE else module
        params = getattr(getattr(item, "callspec", None), "params", {})
        if module == "test_bank" and "assignment" in params:
            group = f"bank-{params['assignment']}"
        item.add_marker(pytest.mark.xdist_group(group))


def bank_root(config) -> Path | None:
    value = config.getoption("--bank")
    return Path(value).resolve() if value else None


@pytest.fixture(scope="session")
def fresh_kit_build(tmp_path_factory):
    """The learner kit, copied, given a fresh virtualenv and built (tests/kit_build.py); once per session."""
    from tests import kit_build

    return kit_build.build_fresh_kit(tmp_path_factory.mktemp("fresh-kit"))
