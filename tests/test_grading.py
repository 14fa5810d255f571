"""Grades that mean what they say: nbgrader's whole workflow on right, wrong, hostile work.

For every notebook in solutions/, tests/grading/corpus.py builds submissions from the notebook
itself (the untouched release, the full solution, each exercise answered alone, every mistake
and correct variant of tests/grading/mistakes/, and the hostile and accidental submissions of
tests/grading/hostile.py), and tests/grading/course.py grades them in a scratch course with the
instructor commands. These tests then read the gradebook, the autograded notebooks, the
autograde report and the students' feedback pages, and check, per submission:

* every graded cell's score, exactly;
* that the visible test agrees with the grade (a test cell that loses points failed its
  visible part too), except for answers hard-coded to the visible example;
* that a failing check says what it expected and what it found;
* what the autograde report flags (edited tests, tamper rules) and repairs (cell metadata).

Grading runs once per session (the ``graded`` fixture of tests/conftest.py), for the
assignments whose tests were selected, in one course folder: ``autograde`` executes as many
submissions at a time as there are cores (GRADING_TEST_WORKERS changes that), each in the
sandbox.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
import pytest
from grading import corpus, course, hostile
from grading.mistakes import MISTAKES
from nbgrader.api import Gradebook

from course_grading import collecting, commands, integrity, markers, preprocessors, tamper
from course_grading import course as course_folder
from course_grading import release as release_tools

ASSIGNMENTS = release_tools.assignments()


def _committed_corpus(assignment: str) -> corpus.Corpus:
    """Build the corpus from the committed release (the one grading generates is the same:
    tests/test_release.py checks it), to name one test per submission."""
    name = f"{assignment}.ipynb"
    return corpus.build(
        assignment,
        nbformat.read(release_tools.SOURCE_DIR / assignment / name, as_version=4),
        nbformat.read(release_tools.RELEASE_DIR / assignment / name, as_version=4))


CORPORA = {assignment: _committed_corpus(assignment) for assignment in ASSIGNMENTS}


def _cases(selected=lambda item: True) -> list:
    return [pytest.param(assignment, item.student, id=f"{assignment}-{item.student}")
            for assignment, built in CORPORA.items() for item in built.submissions
            if selected(item)]


ALL_CASES = _cases()
VISIBLE_CASES = _cases(lambda item: bool(item.visible))
FEEDBACK_CASES = _cases(lambda item: bool(item.feedback))
PIPELINE = hostile.PIPELINE_ASSIGNMENT if hostile.PIPELINE_ASSIGNMENT in ASSIGNMENTS else None


# The ``graded`` fixture (every selected assignment's corpus graded once per session by the
# instructor commands) is in tests/conftest.py: tests/test_sandbox.py uses it too.


def graded_course(graded: dict[str, course.GradedCourse], assignment: str) -> course.GradedCourse:
    """Return one assignment's graded course, failing with the whole story if grading failed."""
    result = graded[assignment]
    if result.error:
        pytest.fail(f"grading {assignment} failed:\n{result.error}")
    assert result.corpus is not None
    return result


def submission(result: course.GradedCourse, student: str) -> corpus.Submission:
    """Return the corpus submission of ``student``."""
    found = result.corpus.by_student().get(student)
    if found is None:
        pytest.fail(f"{student} is not in the graded corpus: {result.corpus.problems}")
    return found


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
    """True when a message says what was expected and what was found, in plain words."""
    lower = message.lower()
    return (any(word in lower for word in EXPECTED_WORDS)
            and any(word in lower for word in FOUND_WORDS))


# ---------------------------------------------------------------------------------------------
# The corpus covers every notebook
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_a_mistake(assignment: str) -> None:
    """Each autograded exercise of each notebook has at least one mistake in mistakes/."""
    source = nbformat.read(release_tools.SOURCE_DIR / assignment / f"{assignment}.ipynb",
                           as_version=4)
    covered = {mistake.grade_id for mistake in MISTAKES.get(assignment, [])
               if not mistake.correct}
    missing = [exercise for exercise in corpus.exercises(source) if exercise not in covered]
    assert not missing, (f"{assignment}: no mistake in tests/grading/mistakes/ for the "
                         f"exercises {missing}; add realistic wrong answers for each.")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_corpus_builds(assignment: str) -> None:
    """Every mistake still applies to its solution cell and every submission could be built."""
    problems = CORPORA[assignment].problems
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_answer_of_mistakes_is_graded_once_in_a_fair_pack(assignment: str) -> None:
    """Each answer of tests/grading/mistakes/ is in exactly one pack; a pack holds at most one
    answer per exercise and, for wrong answers, never two whose exercises' scores can meet (one
    exercise reuses the other, or a third reuses both), so each keeps the scores it gets alone."""
    built = CORPORA[assignment]
    source = nbformat.read(release_tools.SOURCE_DIR / assignment / f"{assignment}.ipynb",
                           as_version=4)
    affected = corpus.affected_exercises(source)
    packed = [member for item in built.submissions for member in item.members]
    assert sorted(packed) == sorted(student for student, _ in corpus.mistake_students(assignment))
    names = dict(corpus.mistake_students(assignment))
    for item in built.submissions:
        exercises = [names[member].grade_id for member in item.members]
        assert len(exercises) == len(set(exercises)), (item.student, exercises)
        if item.kind == "mistake":
            reached = [grade_id for exercise in exercises for grade_id in affected[exercise]]
            assert len(reached) == len(set(reached)), (item.student, exercises)


# ---------------------------------------------------------------------------------------------
# Scores, per graded cell, and the visible test's verdict
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("assignment", "student"), ALL_CASES)
def test_scores(graded: dict, assignment: str, student: str) -> None:
    """Every graded cell of every submission gets exactly its expected score."""
    result = graded_course(graded, assignment)
    item = submission(result, student)
    found = commands.cell_scores(result.course, assignment).get(student)
    assert found is not None, f"{student} has no grades in the gradebook"
    assert set(found) == set(item.expected), (
        f"{student}: graded cells {sorted(found)} instead of {sorted(item.expected)}")
    wrong = {grade_id: (found.get(grade_id), score) for grade_id, score in item.expected.items()
             if found.get(grade_id) != score}
    assert not wrong, (f"{assignment}, {student} ({item.description}): cells with a wrong score, "
                       f"as (found, expected): {wrong}")


@pytest.mark.parametrize(("assignment", "student"), VISIBLE_CASES)
def test_visible_test_agrees_with_the_grade(graded: dict, assignment: str, student: str) -> None:
    """A test cell passes its visible part exactly when it keeps its points at grading, except
    for answers hard-coded to the visible example, which pass it and still lose points."""
    result = graded_course(graded, assignment)
    item = submission(result, student)
    notebook = result.autograded(student)
    verdicts = {grade_id: preprocessors.visible_test_passed(cell_by_id(notebook, grade_id))
                for grade_id in item.visible}
    wrong = {grade_id: verdicts[grade_id] for grade_id, wanted in item.visible.items()
             if verdicts[grade_id] != wanted}
    assert not wrong, (
        f"{student} ({item.description}): the visible test of {sorted(wrong)} "
        f"{'passed' if any(wrong.values()) else 'failed'}, but the grade says otherwise. Every "
        "requirement the text states needs a visible check, and the hidden tests may only "
        "re-check the same requirements on new inputs.")
    for exercise in item.hard_coded:
        own_tests = corpus.tests_of(result.corpus.graded, exercise)
        assert any(item.expected[grade_id] == 0 for grade_id in own_tests), (
            f"{student} answers {exercise} hard-coded to the visible example, yet no test cell "
            "of that exercise lost points: the hidden tests must re-check on new inputs.")


@pytest.mark.parametrize(("assignment", "student"), FEEDBACK_CASES)
def test_a_failing_check_explains_itself(graded: dict, assignment: str, student: str) -> None:
    """The failing test says, in the course's words, what it expected and what it found, and
    the student's feedback page shows that message."""
    result = graded_course(graded, assignment)
    item = submission(result, student)
    notebook = result.autograded(student)
    page = markers.html_text(result.feedback_page(student).read_text(encoding="utf-8"))
    for grade_id, wanted in item.feedback.items():
        errors = error_outputs(cell_by_id(notebook, grade_id))
        assert errors, f"{grade_id} shows no error for {student} ({item.description})"
        message = errors[0].evalue
        assert errors[0].ename == preprocessors.CHECK_ERROR, (
            f"{grade_id} crashed with {errors[0].ename}: {message!r} instead of a check saying "
            "what it expected and what it found")
        assert explains_expected_and_found(message), f"{grade_id}: unclear message {message!r}"
        assert wanted in message, f"{grade_id}: message {message!r} lacks {wanted!r}"
        assert wanted in page, f"the feedback page of {student} does not show {wanted!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_writes_nothing_to_stderr(graded: dict, assignment: str) -> None:
    """No test cell of the full solution wrote to stderr: nbgrader's validate (and nbgrader
    without this course's config) would score it 0."""
    result = graded_course(graded, assignment)
    notebook = result.autograded("solution")
    noisy = [corpus.nbgrader_metadata(cell)["grade_id"] for cell in notebook.cells
             if corpus.nbgrader_metadata(cell).get("grade")
             and any(preprocessors.StderrIsNotAFailure.note.default_value in output.get("text", "")
                     for output in cell.get("outputs", []))]
    assert not noisy, f"test cells {noisy} of the solution wrote to stderr"


# ---------------------------------------------------------------------------------------------
# The autograde report: flags, the tamper report and repairs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("assignment", "student"), ALL_CASES)
def test_the_report_flags_exactly_what_it_should(graded: dict, assignment: str,
                                                 student: str) -> None:
    """Edited or deleted tests and tamper rules are flagged (in the report and the gradebook)
    for the submissions that have them, and nothing is flagged for the others."""
    result = graded_course(graded, assignment)
    item = submission(result, student)
    report = result.reports[assignment]
    assert sorted(report.flags.get(student, [])) == sorted(item.flags), (
        f"{student} ({item.description}): flagged {report.flags.get(student, [])}, expected "
        f"{list(item.flags)}. Review lines: {report.review.get(student, [])}")
    with Gradebook(course_folder.gradebook_url(result.course)) as gradebook:
        flagged = gradebook.find_submission_notebook(assignment, assignment, student).flagged
    assert flagged == bool(item.flags)


@pytest.mark.parametrize(("assignment", "student"), ALL_CASES)
def test_metadata_accidents_are_repaired_and_reported(graded: dict, assignment: str,
                                                      student: str) -> None:
    """Accidental metadata changes are repaired (the scores test checks they cost nothing) and
    reported; no other submission reports a repair."""
    result = graded_course(graded, assignment)
    item = submission(result, student)
    repairs = result.reports[assignment].repairs.get(student, [])
    for grade_id in item.repairs:
        assert any(line.startswith(f"{grade_id}:") for line in repairs), (
            f"{student}: no repair of {grade_id} reported; repairs: {repairs}")
    if not item.repairs:
        assert not repairs, f"{student}: unexpected repairs {repairs}"


# ---------------------------------------------------------------------------------------------
# What students receive: verdicts, messages, and nothing secret
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_test_in_any_form(graded: dict, assignment: str) -> None:
    """No feedback page shows a hidden test line (plainly, reversed or base64-encoded) or the
    instructor's paths; the release's page shows no solution either."""
    result = graded_course(graded, assignment)
    secrets = markers.secret_lines(result.course, assignment)
    assert secrets["hidden test"], f"{assignment} has no hidden tests to look for"
    for item in result.corpus.submissions:
        page = result.feedback_page(item.student).read_text(encoding="utf-8")
        text = markers.html_text(page)
        found = markers.leaks_in_any_encoding(text, secrets["hidden test"])
        assert not found, f"the feedback of {item.student} shows hidden tests: {found[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text
        assert str(result.course) not in page, f"the feedback of {item.student} shows a path"
        # What print() wrote has a space after the prefix; the student's code shows a quote.
        assert not any(f"{prefix} " in text for prefix in hostile.LEAK_PREFIXES), (
            f"the feedback of {item.student} shows what a test cell printed")
    release_page = markers.html_text(result.feedback_page("release").read_text(encoding="utf-8"))
    assert not markers.leaks(release_page, secrets["solution"])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_gives_each_test_cell_a_verdict(graded: dict, assignment: str) -> None:
    """Each test cell of a feedback page says passed or failed with a symbol; the full
    solution's all pass and the release's all fail."""
    result = graded_course(graded, assignment)
    tests = [grade_id for grade_id, cell in result.corpus.graded.items() if cell.automatic]
    for student, symbol in (("solution", "✓ Passed"), ("release", "✗ Failed")):
        text = markers.html_text(result.feedback_page(student).read_text(encoding="utf-8"))
        assert text.count(symbol) == len(tests), (student, text.count(symbol), len(tests))


# ---------------------------------------------------------------------------------------------
# The grading pipeline's own cases (notebook 01; see tests/grading/hostile.py)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", [PIPELINE] if PIPELINE else [])
def test_endless_loop_is_cut_by_the_timeout(graded: dict, assignment: str) -> None:
    """The endless loop is interrupted after the cell timeout, in its test cell."""
    result = graded_course(graded, assignment)
    item = submission(result, "pipeline-endless-loop")
    lost = [grade_id for grade_id, score in item.expected.items() if score == 0]
    cell = cell_by_id(result.autograded(item.student), lost[0])
    names = [output.ename for output in error_outputs(cell)]
    assert preprocessors.TIMEOUT_ERROR in names, f"the test cell's errors are {names}"
    assert "timed out" in " ".join(result.reports[assignment].notes[item.student])


@pytest.mark.parametrize("assignment", [PIPELINE] if PIPELINE else [])
def test_kernel_that_ignores_the_interrupt_is_replaced(graded: dict, assignment: str) -> None:
    """A loop that ignores the interrupt costs one timeout, not one per remaining cell."""
    result = graded_course(graded, assignment)
    item = submission(result, "pipeline-uninterruptible-loop")
    lost = [grade_id for grade_id, score in item.expected.items() if score == 0]
    notebook = result.autograded(item.student)
    cell = cell_by_id(notebook, lost[0])
    names = [output.ename for output in error_outputs(cell)]
    assert names[0] == preprocessors.TIMEOUT_ERROR, names
    assert names[-1] == preprocessors.KERNEL_STUCK_ERROR, names
    later_timeouts = [output for later in notebook.cells[notebook.cells.index(cell) + 1:]
                      for output in error_outputs(later)
                      if output.ename == preprocessors.TIMEOUT_ERROR]
    assert not later_timeouts, "cells after the stuck one waited for the busy kernel"


@pytest.mark.parametrize("assignment", [PIPELINE] if PIPELINE else [])
def test_dead_kernel_is_recorded_and_grading_goes_on(graded: dict, assignment: str) -> None:
    """The cell that killed the kernel says so; the cells before it kept their points."""
    result = graded_course(graded, assignment)
    item = submission(result, "pipeline-kernel-killer")
    notebook = result.autograded(item.student)
    died = [corpus.nbgrader_metadata(cell).get("grade_id") for cell in notebook.cells
            if any(output.ename == preprocessors.KERNEL_DIED_ERROR
                   for output in error_outputs(cell))]
    assert len(died) == 1 and died[0] in item.expected and item.expected[died[0]] == 0, died
    kept = [grade_id for grade_id, score in item.expected.items() if score]
    assert kept, "no test cell before the kernel died"


@pytest.mark.parametrize("assignment", [PIPELINE] if PIPELINE else [])
def test_edited_and_deleted_tests_are_restored(graded: dict, assignment: str) -> None:
    """Edited and deleted test cells run as written in the gradebook (their flags are checked
    by test_the_report_flags_exactly_what_it_should)."""
    result = graded_course(graded, assignment)
    source = nbformat.read(result.course / course_folder.SOURCE / assignment
                           / f"{assignment}.ipynb", as_version=4)
    edited = submission(result, "pipeline-edited-test")
    edited_id = edited.flags[0].split()[0]
    restored = cell_by_id(result.autograded(edited.student), edited_id)
    assert restored.source == cell_by_id(source, edited_id).source
    deleted = submission(result, "pipeline-deleted-test")
    deleted_id = deleted.flags[0].split()[0]
    added_back = cell_by_id(result.autograded(deleted.student), deleted_id)
    assert "was missing from the submission" in added_back.source
    assert error_outputs(added_back), "the test cell added back did not run or did not fail"


@pytest.mark.parametrize("assignment", [PIPELINE] if PIPELINE else [])
def test_huge_output_is_cut(graded: dict, assignment: str) -> None:
    """20 MB of printing leaves an autograded notebook and a feedback page of normal size."""
    result = graded_course(graded, assignment)
    path = (result.course / course_folder.AUTOGRADED / "pipeline-huge-output" / assignment
            / f"{assignment}.ipynb")
    assert path.stat().st_size < 2_000_000
    assert result.feedback_page("pipeline-huge-output").stat().st_size < 3_000_000
    assert "Output truncated" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("assignment", [PIPELINE] if PIPELINE else [])
def test_warning_in_a_test_cell_costs_nothing(graded: dict, assignment: str) -> None:
    """A warning raised by a right answer inside a test cell really reached that cell's output
    (as stdout, with a note), and costs no point (test_scores checks the points)."""
    result = graded_course(graded, assignment)
    notebook = result.autograded("pipeline-warnings")
    texts = [output.get("text", "") for cell in notebook.cells
             if integrity.is_autograded_test(cell) for output in cell.get("outputs", [])]
    assert any(hostile.WARNING_TEXT in text for text in texts), texts
    assert not any(output.get("name") == "stderr" for cell in notebook.cells
                   if integrity.is_autograded_test(cell) for output in cell.get("outputs", []))


# ---------------------------------------------------------------------------------------------
# The instructor commands and grading's parts, in small (no notebook is executed)
# ---------------------------------------------------------------------------------------------


def make_course(folder: Path, names: list[str]) -> Path:
    """Make a course folder whose solutions/ holds an empty notebook per assignment."""
    for name in names:
        (folder / course_folder.SOURCE / name).mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(),
                       folder / course_folder.SOURCE / name / f"{name}.ipynb")
    return folder


def test_collect_understands_the_usual_download_layouts(tmp_path: Path) -> None:
    """Files named by student, folders per student and <student>.ipynb all land in place."""
    course_path = make_course(tmp_path / "course", ["01-mnist-data", "02-reshaping"])
    downloads = tmp_path / "downloads"
    (downloads / "carol").mkdir(parents=True)
    empty = nbformat.v4.new_notebook()
    nbformat.write(empty, downloads / "alice_01-mnist-data.ipynb")
    nbformat.write(empty, downloads / "02-reshaping - Bob Smith.ipynb")
    nbformat.write(empty, downloads / "carol" / "01-mnist-data.ipynb")
    (downloads / "dave_01-mnist-data.ipynb").write_text("{not json", encoding="utf-8")
    nbformat.write(empty, downloads / "erin.ipynb")
    result = collecting.collect(course_path, downloads)
    assert sorted((student, name) for student, name, _ in result.placed) == [
        ("Bob-Smith", "02-reshaping"), ("alice", "01-mnist-data"), ("carol", "01-mnist-data")]
    assert (course_path / "submitted/alice/01-mnist-data/01-mnist-data.ipynb").exists()
    reasons = {path.name: reason for path, reason in result.skipped}
    assert "not a readable notebook" in reasons["dave_01-mnist-data.ipynb"]
    assert "--assignment" in reasons["erin.ipynb"]
    one_assignment = tmp_path / "one-assignment"
    one_assignment.mkdir()
    nbformat.write(empty, one_assignment / "frank.ipynb")
    code = commands.main(["--course", str(course_path), "collect", str(one_assignment),
                          "--assignment", "01-mnist-data"])
    assert code == 0
    assert (course_path / "submitted/frank/01-mnist-data/01-mnist-data.ipynb").exists()
    assert commands.main(["--course", str(course_path), "collect", str(downloads)]) == 1


def test_tampered_cells_names_edited_and_deleted_tests() -> None:
    """Locked cells that differ from the release, or are gone, are reported."""
    notebook = nbformat.v4.new_notebook()
    for grade_id, source in (("test-a", "check(a)\n"), ("test-b", "pass")):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade_id": grade_id}
        notebook.cells.append(cell)
    locked = {"test-a": "check(a)", "test-b": "check(b)", "test-c": "check(c)"}
    assert commands.tampered_cells(notebook, locked) == ["test-b edited", "test-c deleted"]


def test_remove_hidden_tests_keeps_the_visible_test() -> None:
    """Only the region between the hidden-test markers goes."""
    source = "visible()\n### BEGIN HIDDEN TESTS\nhidden()\n### END HIDDEN TESTS\nafter()"
    assert markers.remove_hidden_tests(source) == "visible()\nafter()"
    assert markers.hidden_test_lines(source) == ["hidden()"]


def test_leaks_are_found_reversed_and_in_base64() -> None:
    """A hidden line is found however a submission encoded it; other text is not."""
    import base64

    line = "checks.equal(secret_function(28, 3, 2), 13, 'x')"
    for text in (f"a {line} b", line[::-1], base64.b64encode(line.encode()).decode()):
        assert markers.leaks_in_any_encoding(text, [line]) == [line]
    assert markers.leaks_in_any_encoding("nothing to see here", [line]) == []


def _test_cell(source: str, grade_id: str = "test-a") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id,
                                 "locked": True, "points": 1, "schema_version": 3}
    return cell


def test_run_proofs_mark_a_test_that_did_not_run() -> None:
    """A test cell that printed its proof passes; one without the proof and without an error
    gets an error; the sources and outputs are as they were, proof removed."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [_test_cell("check()", "test-a"), _test_cell("check()", "test-b"),
                      _test_cell("check()", "test-c")]
    proofs = integrity.add_run_proofs(notebook)
    assert all("_course_run_proof" in cell.source for cell in notebook.cells)
    ran, emptied, failed = notebook.cells
    # The kernel may send one printed line in two pieces.
    half = len(proofs[0].line) // 2
    ran.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                          text=f"Passed: yes\n{proofs[0].line[:half]}"),
                   nbformat.v4.new_output("stream", name="stdout",
                                          text=f"{proofs[0].line[half:]}\n")]
    failed.outputs = [nbformat.v4.new_output("error", ename="CheckFailedError", evalue="no",
                                             traceback=[])]
    not_run = integrity.verify_run_proofs(notebook, proofs)
    assert not_run == [1]
    assert [cell.source for cell in notebook.cells] == ["check()"] * 3
    assert ran.outputs[0].text == "Passed: yes\n"
    assert emptied.outputs[-1].ename == integrity.NOT_RUN_ERROR
    assert [output.ename for output in failed.outputs] == ["CheckFailedError"]


def test_the_run_proof_runs_only_with_the_checks_intact(capsys: pytest.CaptureFixture) -> None:
    """In a real IPython shell, the proof statement prints its token when nothing was changed,
    and refuses (an error, no token) after helpers.checks was disarmed or a hook registered."""
    from IPython.core.interactiveshell import InteractiveShell

    import helpers.checks

    shell = InteractiveShell.instance()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [_test_cell("value = 1")]

    def run() -> tuple[str, bool]:
        cell = copy.deepcopy(notebook.cells[0])
        proof = integrity.add_run_proofs(nbformat.v4.new_notebook(cells=[cell]))[0]
        result = shell.run_cell(cell.source)
        return proof.line, proof.line in capsys.readouterr().out and result.success

    line, proved = run()
    assert proved, "the proof did not print its token in an untouched shell"
    original = helpers.checks.equal
    try:
        helpers.checks.equal = lambda *args, **kwargs: None
        assert not run()[1], "the proof accepted a replaced helpers.checks.equal"
    finally:
        helpers.checks.equal = original

    def hook(*args: object) -> None:
        return None

    shell.events.register("pre_run_cell", hook)
    try:
        assert not run()[1], "the proof accepted a foreign pre_run_cell hook"
    finally:
        shell.events.unregister("pre_run_cell", hook)
    assert run()[1]


def test_verdicts_show_the_check_message_and_nothing_printed() -> None:
    """The feedback verdict of a test cell is the check's message, or the error's type alone
    when the code failed on the hidden inputs, never what the cell printed."""
    cell = _test_cell("check()")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="LEAK-PLAIN: secret\n"),
                    nbformat.v4.new_output("error", ename="CheckFailedError",
                                           evalue="f(2): expected 4, but found 5.",
                                           traceback=["/work/course/helpers/checks.py"])]
    assert preprocessors.verdict(cell) == "✗ Failed: f(2): expected 4, but found 5."
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Passed: f works\n"),
                    nbformat.v4.new_output("error", ename="ValueError",
                                           evalue="aGlkZGVuIHRlc3Q= /home/teacher/course/x.py",
                                           traceback=[])]
    message = preprocessors.verdict(cell)
    assert "ValueError" in message and "aGlkZGVu" not in message and "/home" not in message
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Passed: f works\n")]
    assert preprocessors.verdict(cell).startswith("✓ Passed")


def test_tamper_rules_catch_each_trick_and_spare_honest_code() -> None:
    """Each rule of the tamper report flags its trick; ordinary answers flag nothing."""
    tricks = {
        "module-attribute": "import numpy as np\nnp.array_equal = lambda *a: True",
        "redefines-checks": "checks = object()",
        "ipython-hook": "get_ipython().events.register('pre_run_cell', print)",
        "introspection": "import inspect\nsource = inspect.stack()",
        "comparison-override": "class Always(int):\n    def __eq__(self, other):\n"
                               "        return True",
        "file-access": "text = open('../../solutions/x.ipynb').read()",
        "dynamic-code": "exec('print(1)')",
        "process": "import subprocess\nsubprocess.run(['ls'])",
    }
    built_without_def = 'Always = type("Always", (int,), {"__eq__": lambda self, other: True})'
    for rule, code in [*tricks.items(), ("comparison-override", built_without_def)]:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(code)]
        assert rule in {finding.rule for finding in tamper.scan_notebook(notebook)}, rule
    honest = ("import numpy as np\n\n\ndef scale(images):\n    images = np.asarray(images)\n"
              "    model.trainable = False\n    return images.astype(np.float32) / 255\n")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(honest)]
    assert tamper.scan_notebook(notebook) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_correct_submissions_raise_no_tamper_flag(assignment: str) -> None:
    """The full solution and every correct variant of the corpus match no tamper rule."""
    release = nbformat.read(release_tools.RELEASE_DIR / assignment / f"{assignment}.ipynb",
                            as_version=4)
    for item in CORPORA[assignment].submissions:
        if item.kind in ("solution", "correct", "only"):
            findings = tamper.scan_notebook(item.notebook, release)
            assert not findings, (item.student, [finding.describe() for finding in findings])


def test_assign_refuses_a_release_that_drifted(tmp_path: Path) -> None:
    """`make assign` stops when notebooks/ differs from what solutions/ generates."""
    assignment = ASSIGNMENTS[0]
    course_path = tmp_path / "course"
    shutil.copytree(course_folder.ROOT / course_folder.SOURCE / assignment,
                    course_path / course_folder.SOURCE / assignment)
    shutil.copy(course_folder.ROOT / "nbgrader_config.py", course_path)
    commands.assign(course_path, [assignment])
    released = course_path / course_folder.RELEASE / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    notebook.cells[0].source += "\nAn edit made after the release."
    nbformat.write(notebook, released)
    with pytest.raises(course_folder.GradingError, match="make release"):
        commands.assign(course_path, [assignment])


def test_config_plugs_in_the_course_preprocessors(tmp_path: Path) -> None:
    """nbgrader_config.py uses the course's preprocessors, also from a copied config."""
    from traitlets.config.loader import PyFileConfigLoader

    shutil.copy(course_folder.ROOT / "nbgrader_config.py", tmp_path)
    for folder in (course_folder.ROOT, tmp_path):
        config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
        autograde = config.Autograde.autograde_preprocessors
        assert "course_grading.preprocessors.RecoveringExecute" in autograde
        assert "course_grading.preprocessors.StderrIsNotAFailure" in autograde
        sanitize = config.Autograde.sanitize_preprocessors
        assert sanitize[0] == "course_grading.repair.RepairCellMetadata"
        assert "course_grading.preprocessors.HideTestCode" in config.GenerateFeedback.preprocessors
        assert config.OverwriteCells.add_missing_cells is True
        assert config.Execute.timeout == 30
        assert config.CourseDirectory.db_url == f"sqlite:///{folder.resolve() / 'gradebook.db'}"
