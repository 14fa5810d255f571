"""Shared pytest set-up for every test module.

* ``summary_lines``: lines a test wants printed at the end of the run (timings, for example);
  output printed by a passing test is otherwise hidden.
* ``graded``: the grading corpus (tests/grading/) of every assignment that a selected test
  names (its ``assignment`` parameter), graded once per session in one scratch course by
  the instructor commands: ``autograde`` executes GRADING_TEST_WORKERS submissions at a time
  (default: the number of cores), each in the sandbox. tests/test_grading.py and
  tests/test_sandbox.py read it.
"""

from __future__ import annotations

import os
import time

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


def _selected_assignments(session: pytest.Session) -> list[str]:
    needed = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if "graded" in getattr(item, "fixturenames", ()) and callspec is not None:
            needed.add(callspec.params["assignment"])
    return sorted(needed)


@pytest.fixture(scope="session")
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           summary_lines: list[str]) -> dict:
    """Grade the corpus of every selected assignment once per session, and report the time."""
    from grading import course

    from course_grading.scheduler import default_jobs

    workers = int(os.environ.get("GRADING_TEST_WORKERS", "0")) or default_jobs()
    started = time.perf_counter()
    courses = course.grade_all(_selected_assignments(request.session),
                               tmp_path_factory.mktemp("grading"), workers)
    total = 0
    for name, result in courses.items():
        seconds = result.seconds
        count = int(seconds.get("submissions", 0))
        total += count
        if "feedback" in seconds:
            summary_lines.append(
                f"grading {name}: {count} submissions, autograde {seconds['autograde']:.0f} s "
                f"(its share of the parallel execution, and scoring), assign "
                f"{seconds['assign']:.0f} s, feedback {seconds['feedback']:.0f} s")
    elapsed = time.perf_counter() - started
    summary_lines.append(f"grading: {total} submissions of {len(courses)} assignments in "
                         f"{elapsed:.0f} s, {workers} at a time "
                         f"({elapsed / max(total, 1):.1f} s per submission)")
    return courses
