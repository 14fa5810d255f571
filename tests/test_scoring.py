"""course_grading.scoring: nbgrader's autograde for several assignments in one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import tiny_course as tiny

from course_grading import commands, execution, scoring
from course_grading import course as course_folder

pytestmark = pytest.mark.skipif(not shutil.which("bwrap"),
                                reason="grading the tiny course needs the sandbox (bubblewrap)")


def test_the_output_is_split_per_assignment_and_a_cut_one_fails() -> None:
    output = (f"{scoring.MARK} begin a\n[AutogradeApp] a fine\n{scoring.MARK} end a 0 1.250\n"
              f"{scoring.MARK} begin b\n[AutogradeApp] b started\n")
    scored = scoring.split_output(["a", "b"], output)
    assert scored["a"].output == "[AutogradeApp] a fine\n"
    assert (scored["a"].exit_code, scored["a"].seconds, scored["a"].failed) == (0, 1.25, False)
    assert scored["b"].output == "[AutogradeApp] b started\n"
    assert scored["b"].exit_code is None and scored["b"].failed
    errored = scoring.split_output(["c"], f"{scoring.MARK} begin c\n{scoring.ERROR_LINE} c\n"
                                          f"{scoring.MARK} end c 0 0.5\n")
    assert errored["c"].failed


def test_two_assignments_are_scored_in_one_process_and_a_failure_stays_its_own(
        tmp_path: Path) -> None:
    """Two copies of the tiny assignment, both submitted by alice: one call of autograde scores
    both, each with its own log; an unknown assignment fails alone, and says so."""
    course = tiny.make_course(tmp_path / "course")
    second = "02-tiny"
    shutil.copytree(course / course_folder.SOURCE / tiny.ASSIGNMENT,
                    course / course_folder.SOURCE / second)
    (course / course_folder.SOURCE / second / f"{tiny.ASSIGNMENT}.ipynb").rename(
        course / course_folder.SOURCE / second / f"{second}.ipynb")
    commands.assign(course, [tiny.ASSIGNMENT, second])
    for name in (tiny.ASSIGNMENT, second):
        release = nbformat.read(course / course_folder.RELEASE / name / f"{name}.ipynb",
                                as_version=4)
        target = course / course_folder.SUBMITTED / "alice" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(tiny.submission(release, tiny.ANSWERS), encoding="utf-8")
    commands.autograde(course, [tiny.ASSIGNMENT, second], jobs=1)
    scores = {name: commands.cell_scores(course, name)["alice"]
              for name in (tiny.ASSIGNMENT, second)}
    automatic = {grade_id: points for grade_id, points in tiny.POINTS.items()
                 if grade_id.startswith("test-")}
    for name, found in scores.items():
        assert {grade_id: found[grade_id] for grade_id in automatic} == automatic, name
        log = (course / course_folder.LOG_DIR / f"autograde-{name}.log").read_text()
        assert log.startswith(f"$ nbgrader autograde {name} ") and "alice" in log
    scored = scoring.autograde(course, ["no-such-assignment", tiny.ASSIGNMENT], "--force",
                               f"--RecoveringExecute.replay_from={course / execution.EXECUTED}")
    assert scored["no-such-assignment"].failed
    assert not scored[tiny.ASSIGNMENT].failed, scored[tiny.ASSIGNMENT].output


def test_a_scorer_left_unused_is_stopped_without_scoring(tmp_path: Path) -> None:
    """An error while executing leaves the block without finish(): the waiting process stops
    and writes no log."""
    course = tiny.make_course(tmp_path / "course")
    with pytest.raises(RuntimeError, match="executing failed"):  # noqa: PT012
        with scoring.Scorer(course, [tiny.ASSIGNMENT], "--force") as scorer:
            process = scorer.process
            raise RuntimeError("executing failed")
    assert process.poll() is not None
    assert not (course / course_folder.LOG_DIR / f"autograde-{tiny.ASSIGNMENT}.log").exists()
