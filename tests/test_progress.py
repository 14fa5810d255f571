"""The self-check at the end of every release notebook (helpers.progress, self_check).

The report runs each exercise's visible test again on the kernel's answers: these tests give
it answers (right, wrong, unanswered, endless, noisy) in a namespace and check each row, that
it never raises, never writes to stderr, and where it reads the tests from.
"""

from __future__ import annotations

import json
import os
import sys

import nbformat
import pytest
import tiny_course as tiny

from course_grading import release as release_tools
from course_grading import self_check
from helpers import checks, progress

RIGHT = {"double": lambda x: 2 * x, "triple": lambda x: 3 * x, "checks": checks}


def tiny_release() -> dict:
    """Return the tiny course's notebook as students get it (no hidden tests), as JSON."""
    notebook = tiny.source_notebook()
    for cell in notebook.cells:
        cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = ("YOUR ANSWER HERE" if cell.cell_type == "markdown"
                           else cell.source.split("### BEGIN SOLUTION")[0]
                           + "raise NotImplementedError()")
    self_check.add_self_check_cell(notebook, tiny.ASSIGNMENT)
    return json.loads(nbformat.writes(notebook))


def rows(namespace: dict, notebook: dict | None = None, **options) -> list[tuple]:
    result = progress.standing(tiny.ASSIGNMENT, namespace, notebook or tiny_release(), **options)
    return [(row.title, row.points, row.earned, [(test.grade_id, test.passed, test.message)
                                                 for test in row.tests], row.answered)
            for row in result.rows]


def test_rows_are_the_exercises_with_their_points_and_the_written_answer() -> None:
    assert rows(RIGHT) == [
        ("Exercise 1: double a number", 2.0, 2.0, [("test-double", True, "")], False),
        ("Exercise 2: triple a number", 3.0, 3.0, [("test-triple", True, "")], False),
        ("Reflection: why test on new inputs?", 1.0, 0.0, [], False),
    ]


def test_each_failure_says_why() -> None:
    def unanswered(x):
        raise NotImplementedError()

    found = rows({"double": lambda x: x, "triple": unanswered, "checks": checks})
    assert found[0][3] == [("test-double", False,
                            "double(2): expected 4, but found 2.")]
    assert found[1][3] == [("test-triple", False, "not answered yet: the function still "
                            "raises NotImplementedError")]
    missing = rows({"checks": checks})[0][3][0]
    assert missing[1] is False and missing[2].startswith("name 'double' is not defined: run")


def test_an_endless_answer_is_stopped_and_the_others_still_run() -> None:
    def endless(x):
        while True:
            pass

    found = rows({"double": endless, "triple": RIGHT["triple"], "checks": checks},
                 timeout_seconds=1)
    assert found[0][3] == [("test-double", False, "did not finish in time (an endless loop?)")]
    assert found[1][2] == 3.0


def test_a_warning_costs_nothing_and_never_reaches_stderr(capfd) -> None:
    def noisy(x):
        import warnings

        print("debugging", file=sys.stderr)
        os.write(2, b"a C library writes here\n")
        warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
        return 2 * x

    found = rows({"double": noisy, "triple": RIGHT["triple"], "checks": checks})
    assert found[0][2] == 2.0
    assert capfd.readouterr().err == ""


def test_the_report_prints_one_row_per_exercise_and_totals(tmp_path, monkeypatch,
                                                            capfd) -> None:
    notebook = tiny_release()
    notebook["cells"][-3]["source"] = "Because new inputs catch fitted answers."
    (tmp_path / f"{tiny.ASSIGNMENT}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setattr(progress, "_shell", lambda: type("Shell", (), {
        "user_ns": {"double": lambda x: x, "triple": RIGHT["triple"], "checks": checks}})())
    progress.report(tiny.ASSIGNMENT)
    out, err = capfd.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "Where you stand in 01-tiny",
        "(visible tests run again on the answers you ran; tests read from the saved notebook "
        "01-tiny.ipynb)",
        "",
        "  ✗ Exercise 1: double a number. Not passed yet: 0 of 2 points.",
        "      Double(2): expected 4, but found 2.",
        "      At grading: the same check again on new inputs (other numbers).",
        "  ✓ Exercise 2: triple a number. Passed: 3 of 3 points.",
        "      At grading: the same check again on new inputs (other numbers).",
        "  ✎ Reflection: why test on new inputs? Graded by hand (1 point): answered.",
        "",
        "Visible tests passed: 3 of 5 points checked automatically. Grading runs the same "
        "checks again on new inputs, so a function fitted to the visible example can still "
        "lose its points.",
        "Written answers (1 point) are graded by hand.",
        "Save the notebook (Ctrl+S / Cmd+S) before you download or submit it.",
    ]


def test_the_report_reads_the_notebook_jupyter_started_the_kernel_for(tmp_path) -> None:
    path = tmp_path / "renamed copy.ipynb"
    path.write_text(json.dumps(tiny_release()), encoding="utf-8")
    notebook, source = progress.find_notebook(tiny.ASSIGNMENT, {"__session__": str(path)})
    assert source == "the saved notebook renamed copy.ipynb"
    assert "".join(notebook["cells"][-1]["source"]) == self_check.self_check_source(
        tiny.ASSIGNMENT)


def test_without_a_notebook_the_report_says_what_to_do_and_never_raises(
        tmp_path, monkeypatch, capfd) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setattr(progress, "_shell", lambda: None)
    progress.report(tiny.ASSIGNMENT)
    (tmp_path / f"{tiny.ASSIGNMENT}.ipynb").write_text("{broken", encoding="utf-8")
    progress.report(tiny.ASSIGNMENT)
    monkeypatch.setattr(progress, "standing", lambda *args, **kwargs: 1 / 0)
    progress.report(tiny.ASSIGNMENT)
    out, err = capfd.readouterr()
    assert err == ""
    assert out.count("Run each test cell instead") == 3


def test_nothing_runs_while_nbgrader_grades(monkeypatch, capfd) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setattr(progress, "standing", lambda *args, **kwargs: 1 / 0)
    progress.report(tiny.ASSIGNMENT)
    assert capfd.readouterr() == ("The self-check does not run while the notebook is "
                                  "graded.\n", "")


def test_the_self_check_cells_end_every_release_notebook_once() -> None:
    notebook = nbformat.from_dict(tiny_release())
    again = self_check.add_self_check_cell(notebook, tiny.ASSIGNMENT)
    assert [cell.id for cell in again.cells[-2:]] == [self_check.HEADING_ID, self_check.CELL_ID]
    assert sum(cell.id == self_check.CELL_ID for cell in again.cells) == 1
    assert "nbgrader" not in again.cells[-1].metadata


@pytest.mark.parametrize("assignment", release_tools.assignments())
def test_every_release_notebook_ends_with_its_self_check(assignment: str) -> None:
    """Each exercise's row has the points its heading states, made of its test cells."""
    path = release_tools.RELEASE_DIR / assignment / f"{assignment}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "".join(notebook["cells"][-1]["source"]) == self_check.self_check_source(assignment)
    found = progress.rows_of(notebook)
    tests = [row for row in found if not row.written]
    assert tests and all(row.title.startswith("Exercise") for row in tests), [
        row.title for row in tests]
    for row in found:
        assert row.stated_points == row.points, (
            f"{assignment}: '{row.title}' states {row.stated_points} points, its graded cells "
            f"give {row.points:g}")
    assert sum(len(row.tests) for row in tests) == len(progress._test_cells(notebook))
