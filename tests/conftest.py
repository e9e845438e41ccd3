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


def bank_root(config) -> Path | None:
    value = config.getoption("--bank")
    return Path(value).resolve() if value else None


@pytest.fixture(scope="session")
def fresh_kit_build(tmp_path_factory):
    """The learner kit, copied, given a fresh virtualenv and built (tests/kit_build.py); once per session."""
    from tests import kit_build

    return kit_build.build_fresh_kit(tmp_path_factory.mktemp("fresh-kit"))
