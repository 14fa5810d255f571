"""course_grading.scoring: nbgrader's autograde for several assignments in one process."""

from __future__ import annotations

import shutil
import time
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


@pytest.mark.parametrize(("said", "scored", "exit_code"), [
    ("go b\ngo a\n", ["a", "b"], 0),  # b released first is scored right after a.
    ("go\n", ["a", "b"], 0),  # go releases everything.
    ("go b\n", [], 1),  # The grader stopped before releasing a: nothing more is scored.
    ("go a\n", ["a"], 1),
])
def test_each_assignment_waits_for_its_release(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture, said: str,
                                               scored: list[str], exit_code: int) -> None:
    """With --wait, an assignment is scored only once the grader has said go NAME (its
    submissions are executed) or go (all are), in the order given."""
    import io

    from nbgrader.apps.nbgraderapp import NbGraderApp

    launched: list[str] = []
    monkeypatch.setattr(NbGraderApp, "launch_instance",
                        classmethod(lambda cls, argv: launched.append(argv[1])))
    monkeypatch.setattr("sys.stdin", io.StringIO(said))
    assert scoring.main(["--wait", "a", "b", "--", "--force"]) == exit_code
    assert launched == scored
    results = scoring.split_output(["a", "b"], capsys.readouterr().out)
    assert [name for name, result in results.items() if result.exit_code == 0] == scored


def test_a_released_assignment_is_scored_before_finish(tmp_path: Path) -> None:
    """release() lets the process score one assignment while the others still execute: its
    gradebook entry exists before finish() is called."""
    course = tiny.make_course(tmp_path / "course")
    commands.assign(course, [tiny.ASSIGNMENT])
    release = nbformat.read(course / course_folder.RELEASE / tiny.ASSIGNMENT
                            / f"{tiny.ASSIGNMENT}.ipynb", as_version=4)
    notebook = f"{tiny.ASSIGNMENT}.ipynb"
    target = course / course_folder.SUBMITTED / "alice" / tiny.ASSIGNMENT / notebook
    target.parent.mkdir(parents=True)
    target.write_text(tiny.submission(release, tiny.ANSWERS), encoding="utf-8")
    commands.autograde(course, [tiny.ASSIGNMENT], jobs=1)  # Executes and stores the notebook.
    autograded = course / course_folder.AUTOGRADED / "alice" / tiny.ASSIGNMENT / notebook
    autograded.unlink()
    with scoring.Scorer(course, [tiny.ASSIGNMENT, "never-released"], "--force",
                        f"--RecoveringExecute.replay_from={course / execution.EXECUTED}"
                        ) as scorer:
        scorer.release(tiny.ASSIGNMENT)
        for _ in range(600):
            if autograded.exists():
                break
            time.sleep(0.1)
        assert autograded.exists(), "the released assignment was not scored before finish()"
        scorer.cancel()
