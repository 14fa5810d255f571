"""Grading you can trust: nbgrader's whole workflow on right, wrong, broken and hostile work.

For every notebook in solutions/, tests/grading/corpus.py builds submissions from the notebook
itself (the untouched release, the full solution, one submission per mistake in
tests/grading/mistakes.py, and for notebook 01 hostile ones), and tests/grading/course.py
grades them in a scratch course with the instructor commands of tools.grading. These tests
then read the gradebook, the autograded notebooks and the students' feedback pages.

Grading is shared: it runs once per session, each assignment in its own course folder, two at
a time (GRADING_TEST_WORKERS changes that), and only for the assignments whose tests were
selected. The time it took is printed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from grading import corpus, course
from grading.mistakes import MISTAKES
from nbgrader.api import Gradebook

from tools import grading
from tools import notebooks as release_tools

ASSIGNMENTS = release_tools.assignments()
HOSTILE = corpus.HOSTILE_ASSIGNMENT
HOSTILE_CASES = list(corpus.HOSTILE) if HOSTILE in ASSIGNMENTS else []
MISTAKE_CASES = [pytest.param(assignment, student, id=f"{assignment}-{student}")
                 for assignment in ASSIGNMENTS
                 for student, _ in corpus.mistake_students(assignment)]


def _selected_assignments(session: pytest.Session) -> list[str]:
    needed = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if "graded" in getattr(item, "fixturenames", ()) and callspec is not None:
            needed.add(callspec.params["assignment"])
    return sorted(needed)


@pytest.fixture(scope="session")
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           summary_lines: list[str]) -> dict[str, course.GradedCourse]:
    """Grade the corpus of every selected assignment once per session, and report the time."""
    workers = int(os.environ.get("GRADING_TEST_WORKERS", "2"))
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
                f"grading {name}: {count} submissions autograded in {seconds['autograde']:.0f} s "
                f"({seconds['autograde'] / count:.1f} s each); assign {seconds['assign']:.0f} s, "
                f"feedback {seconds['feedback']:.0f} s")
    elapsed = time.perf_counter() - started
    summary_lines.append(f"grading: {total} submissions of {len(courses)} assignments in "
                         f"{elapsed:.0f} s with {workers} workers "
                         f"({elapsed / max(total, 1):.1f} s per submission)")
    return courses


def graded_course(graded: dict[str, course.GradedCourse], assignment: str) -> course.GradedCourse:
    """Return one assignment's graded course, failing with the whole story if grading failed."""
    result = graded[assignment]
    if result.error:
        pytest.fail(f"grading {assignment} failed:\n{result.error}")
    assert result.corpus is not None
    return result


def submission(result: course.GradedCourse, student: str) -> corpus.Submission:
    """Return the corpus submission of ``student``."""
    return result.corpus.by_student()[student]


def check_scores(result: course.GradedCourse, student: str) -> None:
    """Assert that every graded cell of one submission got exactly its expected score."""
    expected = submission(result, student).expected
    found = grading.cell_scores(result.course, result.assignment).get(student)
    assert found is not None, f"{student} has no grades in the gradebook"
    wrong = {grade_id: (found.get(grade_id), score) for grade_id, score in expected.items()
             if found.get(grade_id) != score}
    assert not wrong, (f"{result.assignment}, {student} ({submission(result, student).description}"
                       f"): cells with a wrong score, as (found, expected): {wrong}")


def error_outputs(cell: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Return the error outputs of a cell."""
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


def cell_by_id(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    """Return the cell with nbgrader grade_id ``grade_id``."""
    for cell in notebook.cells:
        if corpus.nbgrader_metadata(cell).get("grade_id") == grade_id:
            return cell
    raise AssertionError(f"no cell {grade_id!r}")


EXPECTED_WORDS = ("expected", "should", "must", "need")
FOUND_WORDS = ("found", "but", "returned", "got", "failed")


def explains_expected_and_found(message: str) -> bool:
    """True when a message says what was expected and what was found, in plain words.

    helpers.checks writes "expected X, but found Y", "should have shape X, but it has shape Y"
    or "returned None ... Expected a Model"; custom checks say what is needed and what failed.
    """
    lower = message.lower()
    return (any(word in lower for word in EXPECTED_WORDS)
            and any(word in lower for word in FOUND_WORDS))


# ---------------------------------------------------------------------------------------------
# The corpus covers every notebook
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_a_mistake(assignment: str) -> None:
    """Each autograded exercise of each notebook has at least one mistake in mistakes.py."""
    source = nbformat.read(grading.ROOT / grading.SOURCE / assignment / f"{assignment}.ipynb",
                           as_version=4)
    covered = {mistake.grade_id for mistake in MISTAKES.get(assignment, [])}
    missing = [exercise for exercise in corpus.exercises(source) if exercise not in covered]
    assert not missing, (f"{assignment}: no mistake in tests/grading/mistakes.py for the "
                         f"exercises {missing}; add one realistic wrong answer for each.")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_mistakes_still_apply(graded: dict, assignment: str) -> None:
    """Every mistake's old text still occurs in its solution cell."""
    problems = graded_course(graded, assignment).corpus.problems
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Scores, per graded cell
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_submission_is_graded(graded: dict, assignment: str) -> None:
    """Each submission has grades, an autograded notebook and a feedback page."""
    result = graded_course(graded, assignment)
    scores = grading.cell_scores(result.course, assignment)
    for item in result.corpus.submissions:
        assert item.student in scores, f"{item.student} was not graded"
        assert result.feedback_page(item.student).exists(), f"{item.student} has no feedback"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_scores_zero(graded: dict, assignment: str) -> None:
    """The untouched release scores 0 on every graded cell."""
    result = graded_course(graded, assignment)
    assert all(score == 0 for score in submission(result, "release").expected.values())
    check_scores(result, "release")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(graded: dict, assignment: str) -> None:
    """The full solution gets every point, and none of its test cells wrote to stderr."""
    result = graded_course(graded, assignment)
    check_scores(result, "solution")
    notebook = result.autograded("solution")
    noisy = [corpus.nbgrader_metadata(cell)["grade_id"] for cell in notebook.cells
             if corpus.nbgrader_metadata(cell).get("grade")
             and any(grading.StderrIsNotAFailure.note.default_value in output.get("text", "")
                     for output in cell.get("outputs", []))]
    assert not noisy, (f"test cells {noisy} of the solution wrote to stderr: nbgrader's validate "
                       "(and nbgrader without this course's config) would score them 0")


@pytest.mark.parametrize(("assignment", "student"), MISTAKE_CASES)
def test_mistake_costs_exactly_its_exercise(graded: dict, assignment: str, student: str) -> None:
    """A mistake loses the points of its exercise's test cells and keeps all the others."""
    result = graded_course(graded, assignment)
    if student not in result.corpus.by_student():
        pytest.fail(f"{student} could not be built: {result.corpus.problems}")
    check_scores(result, student)


@pytest.mark.parametrize(("assignment", "student"), MISTAKE_CASES)
def test_mistake_feedback_says_expected_and_found(graded: dict, assignment: str,
                                                  student: str) -> None:
    """The failing test tells the student what it expected and what it found."""
    result = graded_course(graded, assignment)
    if student not in result.corpus.by_student():
        pytest.fail(f"{student} could not be built: {result.corpus.problems}")
    item = submission(result, student)
    notebook = result.autograded(student)
    page = grading.html_text(result.feedback_page(student).read_text(encoding="utf-8"))
    for grade_id, wanted in item.feedback.items():
        errors = error_outputs(cell_by_id(notebook, grade_id))
        assert errors, f"{grade_id} shows no error for {student} ({item.description})"
        message = errors[-1].evalue
        assert errors[-1].ename == "AssertionError", (
            f"{grade_id} crashed with {errors[-1].ename}: {message!r} instead of a check "
            "saying what it expected and what it found")
        assert explains_expected_and_found(message), f"{grade_id}: unclear message {message!r}"
        assert wanted in message, f"{grade_id}: message {message!r} lacks {wanted!r}"
        assert wanted in page, f"the feedback page of {student} does not show {wanted!r}"


# ---------------------------------------------------------------------------------------------
# Nothing secret reaches students
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_test(graded: dict, assignment: str) -> None:
    """No feedback page quotes a hidden test; the release's shows no solution either."""
    result = graded_course(graded, assignment)
    secrets = grading.secret_lines(result.course, assignment)
    assert secrets["hidden test"], f"{assignment} has no hidden tests to look for"
    for item in result.corpus.submissions:
        text = grading.html_text(result.feedback_page(item.student).read_text(encoding="utf-8"))
        assert not grading.leaks(text, secrets["hidden test"]), (
            f"the feedback of {item.student} shows hidden tests: "
            f"{grading.leaks(text, secrets['hidden test'])[:3]}")
        assert "BEGIN HIDDEN TESTS" not in text
    release_page = grading.html_text(
        result.feedback_page("release").read_text(encoding="utf-8"))
    assert not grading.leaks(release_page, secrets["solution"])


# ---------------------------------------------------------------------------------------------
# Broken and hostile submissions (notebook 01; see tests/grading/corpus.py for why)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", [HOSTILE] if HOSTILE_CASES else [])
@pytest.mark.parametrize("student", HOSTILE_CASES)
def test_hostile_submission_scores(graded: dict, assignment: str, student: str) -> None:
    """Each hostile submission is graded, with exactly the expected score per cell."""
    check_scores(graded_course(graded, assignment), student)


@pytest.mark.parametrize("assignment", [HOSTILE] if HOSTILE_CASES else [])
def test_endless_loop_is_cut_by_the_timeout(graded: dict, assignment: str) -> None:
    """The endless loop is interrupted after the cell timeout, in its test cell."""
    result = graded_course(graded, assignment)
    cell = cell_by_id(result.autograded("hostile-endless-loop"), "test-train-validation-split")
    names = [output.ename for output in error_outputs(cell)]
    assert grading.TIMEOUT_ERROR in names, f"the test cell's errors are {names}"
    assert "timed out" in " ".join(result.reports[assignment].notes["hostile-endless-loop"])


@pytest.mark.parametrize("assignment", [HOSTILE] if HOSTILE_CASES else [])
def test_kernel_that_ignores_the_interrupt_is_replaced(graded: dict, assignment: str) -> None:
    """A loop that ignores the interrupt costs one timeout, not one per remaining cell."""
    result = graded_course(graded, assignment)
    notebook = result.autograded("hostile-uninterruptible-loop")
    cell = cell_by_id(notebook, "test-train-validation-split")
    names = [output.ename for output in error_outputs(cell)]
    assert names[0] == grading.TIMEOUT_ERROR and names[-1] == grading.KERNEL_STUCK_ERROR, names
    later_timeouts = [output for later in notebook.cells[notebook.cells.index(cell) + 1:]
                      for output in error_outputs(later) if output.ename == grading.TIMEOUT_ERROR]
    assert not later_timeouts, "cells after the stuck one waited for the busy kernel"


@pytest.mark.parametrize("assignment", [HOSTILE] if HOSTILE_CASES else [])
def test_dead_kernel_is_recorded_and_grading_goes_on(graded: dict, assignment: str) -> None:
    """The cell that killed the kernel says so; the cells before it kept their points."""
    result = graded_course(graded, assignment)
    cell = cell_by_id(result.autograded("hostile-kernel-killer"), "test-indices-of-class")
    assert [output.ename for output in error_outputs(cell)] == [grading.KERNEL_DIED_ERROR]
    assert grading.cell_scores(result.course, assignment)["hostile-kernel-killer"][
        "test-count-per-class"] == 2


@pytest.mark.parametrize("assignment", [HOSTILE] if HOSTILE_CASES else [])
def test_tampered_tests_are_restored_and_flagged(graded: dict, assignment: str) -> None:
    """Edited and deleted test cells run as written in the gradebook and are flagged."""
    result = graded_course(graded, assignment)
    with Gradebook(grading.gradebook_url(result.course)) as gradebook:
        flagged = {item.student: gradebook.find_submission_notebook(
            assignment, assignment, item.student).flagged for item in result.corpus.submissions}
    for item in result.corpus.submissions:
        assert flagged[item.student] == bool(item.flags), f"{item.student} flagged wrongly"
        assert result.reports[assignment].flags.get(item.student, []) == list(item.flags)
    restored = cell_by_id(result.autograded("hostile-edited-test"), "test-count-per-class")
    original = cell_by_id(nbformat.read(
        result.course / grading.SOURCE / assignment / f"{assignment}.ipynb", as_version=4),
        "test-count-per-class")
    assert restored.source == original.source
    added_back = cell_by_id(result.autograded("hostile-deleted-test"), "test-indices-of-class")
    assert "was missing from the submission" in added_back.source
    assert error_outputs(added_back), "the test cell added back did not run or did not fail"


@pytest.mark.parametrize("assignment", [HOSTILE] if HOSTILE_CASES else [])
def test_huge_output_is_cut(graded: dict, assignment: str) -> None:
    """20 MB of printing leaves an autograded notebook and a feedback page of normal size."""
    result = graded_course(graded, assignment)
    path = (result.course / grading.AUTOGRADED / "hostile-huge-output" / assignment
            / f"{assignment}.ipynb")
    assert path.stat().st_size < 2_000_000
    assert result.feedback_page("hostile-huge-output").stat().st_size < 3_000_000
    assert "Output truncated" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("assignment", [HOSTILE] if HOSTILE_CASES else [])
def test_warning_in_a_test_cell_costs_nothing(graded: dict, assignment: str) -> None:
    """A warning raised by a right answer inside a test cell really reached that cell's output,
    and costs no point (the scores themselves are checked by test_hostile_submission_scores)."""
    result = graded_course(graded, assignment)
    cell = cell_by_id(result.autograded("hostile-warnings"), "test-count-per-class")
    texts = [output.get("text", "") for output in cell.outputs]
    assert any(corpus.WARNING_TEXT in text for text in texts), texts
    assert not any(output.get("name") == "stderr" for output in cell.outputs)
    check_scores(result, "hostile-warnings")


# ---------------------------------------------------------------------------------------------
# The instructor commands, in small (no notebook is executed)
# ---------------------------------------------------------------------------------------------


def make_course(folder: Path, names: list[str]) -> Path:
    """Make a course folder whose solutions/ holds an empty notebook per assignment."""
    for name in names:
        (folder / grading.SOURCE / name).mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), folder / grading.SOURCE / name / f"{name}.ipynb")
    return folder


def test_collect_understands_the_usual_download_layouts(tmp_path: Path) -> None:
    """Files named by student, folders per student and <student>.ipynb all land in place."""
    course_folder = make_course(tmp_path / "course", ["01-mnist-data", "02-reshaping"])
    downloads = tmp_path / "downloads"
    (downloads / "carol").mkdir(parents=True)
    empty = nbformat.v4.new_notebook()
    nbformat.write(empty, downloads / "alice_01-mnist-data.ipynb")
    nbformat.write(empty, downloads / "02-reshaping - Bob Smith.ipynb")
    nbformat.write(empty, downloads / "carol" / "01-mnist-data.ipynb")
    (downloads / "dave_01-mnist-data.ipynb").write_text("{not json", encoding="utf-8")
    nbformat.write(empty, downloads / "erin.ipynb")
    result = grading.collect(course_folder, downloads)
    assert sorted((student, name) for student, name, _ in result.placed) == [
        ("Bob-Smith", "02-reshaping"), ("alice", "01-mnist-data"), ("carol", "01-mnist-data")]
    assert (course_folder / "submitted/alice/01-mnist-data/01-mnist-data.ipynb").exists()
    reasons = {path.name: reason for path, reason in result.skipped}
    assert "not a readable notebook" in reasons["dave_01-mnist-data.ipynb"]
    assert "--assignment" in reasons["erin.ipynb"]
    one_assignment = tmp_path / "one-assignment"
    one_assignment.mkdir()
    nbformat.write(empty, one_assignment / "frank.ipynb")
    code = grading.main(["--course", str(course_folder), "collect", str(one_assignment),
                         "--assignment", "01-mnist-data"])
    assert code == 0
    assert (course_folder / "submitted/frank/01-mnist-data/01-mnist-data.ipynb").exists()
    assert grading.main(["--course", str(course_folder), "collect", str(downloads)]) == 1


def test_tampered_cells_names_edited_and_deleted_tests() -> None:
    """Locked cells that differ from the release, or are gone, are reported."""
    notebook = nbformat.v4.new_notebook()
    for grade_id, source in (("test-a", "check(a)\n"), ("test-b", "pass")):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": grade_id}
        notebook.cells.append(cell)
    locked = {"test-a": "check(a)", "test-b": "check(b)", "test-c": "check(c)"}
    assert grading.tampered_cells(notebook, locked) == ["test-b edited", "test-c deleted"]


def test_student_traceback_drops_the_test_frames() -> None:
    """Frames of the test cell and hidden lines go; the message and the student's frames stay."""
    frames = ["---- AssertionError  Traceback",
              "Cell In[7], line 9\n----> 9 checks.equal(secret(3), 4)",
              "Cell In[6], line 2, in answer\n----> 2 return x",
              "AssertionError: expected 1, found 2"]
    output = nbformat.v4.new_output("error", ename="AssertionError", evalue="expected 1, found 2",
                                    traceback=frames)
    kept = grading.student_traceback(output, 7, ["checks.equal(secret(3), 4)"])
    assert not any("secret(3)" in entry for entry in kept)
    assert "Cell In[6], line 2, in answer\n----> 2 return x" in kept
    assert kept[-1] == "AssertionError: expected 1, found 2"


def test_remove_hidden_tests_keeps_the_visible_test() -> None:
    """Only the region between the hidden-test markers goes."""
    source = "visible()\n### BEGIN HIDDEN TESTS\nhidden()\n### END HIDDEN TESTS\nafter()"
    assert grading.remove_hidden_tests(source) == "visible()\nafter()"
    assert grading.hidden_test_lines(source) == ["hidden()"]


def test_assign_refuses_a_release_that_drifted(tmp_path: Path) -> None:
    """`make assign` stops when notebooks/ differs from what solutions/ generates."""
    assignment = ASSIGNMENTS[0]
    course_folder = tmp_path / "course"
    shutil.copytree(grading.ROOT / grading.SOURCE / assignment,
                    course_folder / grading.SOURCE / assignment)
    shutil.copy(grading.ROOT / "nbgrader_config.py", course_folder)
    grading.assign(course_folder, [assignment])
    released = course_folder / grading.RELEASE / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    notebook.cells[0].source += "\nAn edit made after the release."
    nbformat.write(notebook, released)
    with pytest.raises(grading.GradingError, match="make release"):
        grading.assign(course_folder, [assignment])


def test_config_plugs_in_the_course_preprocessors(tmp_path: Path) -> None:
    """nbgrader_config.py uses tools.grading's preprocessors, also from a copied config."""
    from traitlets.config.loader import PyFileConfigLoader

    shutil.copy(grading.ROOT / "nbgrader_config.py", tmp_path)
    for folder in (grading.ROOT, tmp_path):
        config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
        assert "tools.grading.RecoveringExecute" in config.Autograde.autograde_preprocessors
        assert "tools.grading.StderrIsNotAFailure" in config.Autograde.autograde_preprocessors
        assert "tools.grading.HideTestCode" in config.GenerateFeedback.preprocessors
        assert config.OverwriteCells.add_missing_cells is True
        assert config.Execute.timeout == 30
        assert config.CourseDirectory.db_url == f"sqlite:///{folder.resolve() / 'gradebook.db'}"
