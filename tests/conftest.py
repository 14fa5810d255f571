"""Shared pytest set-up for every test module.

* ``summary_lines``: lines a test wants printed at the end of the run (timings, for example);
  output printed by a passing test is otherwise hidden.
"""

from __future__ import annotations

import pytest

SUMMARY = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    """Start an empty list of summary lines."""
    config.stash[SUMMARY] = []


@pytest.fixture(scope="session")
def summary_lines(pytestconfig: pytest.Config) -> list[str]:
    """Return the list whose lines are printed in the summary at the end of the run."""
    return pytestconfig.stash[SUMMARY]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the lines tests added to ``summary_lines``."""
    lines = config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("summary lines from the tests")
        for line in lines:
            terminalreporter.write_line(line)
