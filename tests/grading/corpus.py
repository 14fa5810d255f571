"""Build the submissions that tests/test_grading.py grades, from the notebooks themselves.

Every submission starts from the student release (what nbgrader generated from the solution
notebook) and fills in answers the way a student would: the solution cell's code, without the
solution markers. Nothing is copied by hand, so the corpus follows the notebooks as they change.

Per assignment:

* ``release``: the untouched release (every autograded cell must score 0);
* ``solution``: every answer right (full marks);
* ``only-<exercise>``: only that exercise answered (and the exercises its text says it reuses):
  exactly its points, so that no exercise costs another its points;
* ``mistake-<exercise>[-n]`` and ``correct-<exercise>[-n]``: one answer from
  ``mistakes/`` (see its docstring for what grading must do with it);
* hostile and accidental submissions from ``hostile.py``: tricks that must earn nothing,
  accidents that must cost nothing, for every notebook, and the grading pipeline's own cases
  (endless loops, dead kernels, floods) on notebook 01.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from nbformat.notebooknode import NotebookNode

from course_grading.markers import without_solution_markers

from .mistakes import MISTAKES, Mistake


class MistakeDoesNotApplyError(ValueError):
    """A mistake's ``old`` text is not in its solution cell (exactly once)."""


@dataclass(frozen=True)
class GradedCell:
    """A cell that carries points, with the exercise (solution cell) it grades."""

    grade_id: str
    points: float
    automatic: bool
    exercise: str | None


@dataclass
class Submission:
    """One submitted notebook and what grading it must give.

    ``expected``: the score of every graded cell. ``visible``: for test cells whose visible
    verdict is known, whether the visible part passes (it printed "Passed: ..."). ``feedback``:
    text the error message of a test cell must contain. ``flags``: what the autograde report
    must list for this student (edited tests, tampering rules), in any order. ``repairs``: the
    grade_ids whose metadata grading must repair.
    """

    student: str
    notebook: NotebookNode
    description: str
    expected: dict[str, float | None]
    visible: dict[str, bool] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    repairs: tuple[str, ...] = ()
    kind: str = "mistake"


@dataclass
class Corpus:
    """Every submission of one assignment, and the mistakes that could not be applied."""

    assignment: str
    graded: dict[str, GradedCell]
    submissions: list[Submission]
    problems: list[str]

    def by_student(self) -> dict[str, Submission]:
        """Return the submissions keyed by student id."""
        return {submission.student: submission for submission in self.submissions}


def nbgrader_metadata(cell: NotebookNode) -> dict:
    """Return a cell's nbgrader metadata (empty for ordinary cells)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def requires(cell: NotebookNode) -> list[str]:
    """Return the exercises a solution cell's text says it reuses (``course.requires``)."""
    return list(cell.get("metadata", {}).get("course", {}).get("requires", []))


def graded_cells(source: NotebookNode) -> dict[str, GradedCell]:
    """Return the graded cells of a source notebook, in order.

    An autograded test cell belongs to the last solution cell above it; a manually graded
    answer (a graded solution cell) is its own exercise.
    """
    cells: dict[str, GradedCell] = {}
    exercise = None
    for cell in source.cells:
        metadata = nbgrader_metadata(cell)
        if metadata.get("solution") and not metadata.get("grade"):
            exercise = metadata["grade_id"]
        if metadata.get("grade"):
            manual = bool(metadata.get("solution")) or cell.cell_type != "code"
            cells[metadata["grade_id"]] = GradedCell(
                grade_id=metadata["grade_id"], points=float(metadata["points"]),
                automatic=not manual, exercise=metadata["grade_id"] if manual else exercise)
    return cells


def solution_cells(source: NotebookNode) -> dict[str, NotebookNode]:
    """Return the solution cells (answers) of a source notebook by grade_id, in order."""
    return {nbgrader_metadata(cell)["grade_id"]: cell for cell in source.cells
            if nbgrader_metadata(cell).get("solution")}


def exercises(source: NotebookNode) -> list[str]:
    """Return the grade_ids of the autograded exercises (solution cells with a test after)."""
    order = list(solution_cells(source))
    found = {cell.exercise for cell in graded_cells(source).values()
             if cell.automatic and cell.exercise}
    return [grade_id for grade_id in order if grade_id in found]


def required_closure(source: NotebookNode, exercise: str) -> list[str]:
    """Return ``exercise`` and every exercise it reuses, directly or not, in notebook order."""
    answers = solution_cells(source)
    wanted, stack = set(), [exercise]
    while stack:
        grade_id = stack.pop()
        if grade_id in wanted:
            continue
        if grade_id not in answers:
            raise MistakeDoesNotApplyError(f"{exercise} requires {grade_id!r}, which is not a "
                                           "solution cell of the notebook")
        wanted.add(grade_id)
        stack.extend(requires(answers[grade_id]))
    return [grade_id for grade_id in answers if grade_id in wanted]


def apply(source: str, old: str, new: str, where: str) -> str:
    """Replace the one occurrence of ``old`` in ``source``; raise if it is not there once."""
    count = source.count(old)
    if count != 1:
        raise MistakeDoesNotApplyError(
            f"{where}: the text to replace occurs {count} times (it must occur once), so the "
            f"solution changed; update tests/grading/mistakes/. Text: {old!r}")
    return source.replace(old, new)


def answered(source: NotebookNode, release: NotebookNode,
             changes: dict[str, Callable[[str], str]] | None = None,
             only: set[str] | None = None) -> NotebookNode:
    """Return the release with answers filled in from the source notebook.

    ``only`` limits the answers to those solution cells (grade_ids); the others keep the
    release's stub. ``changes`` maps a solution cell's grade_id to a function applied to its
    source (with markers) before the markers are removed: that is how a mistake gets in.
    """
    answers = {grade_id: cell.source for grade_id, cell in solution_cells(source).items()}
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        grade_id = nbgrader_metadata(cell).get("grade_id")
        if not nbgrader_metadata(cell).get("solution") or grade_id not in answers:
            continue
        if only is not None and grade_id not in only:
            continue
        text = answers[grade_id]
        if changes and grade_id in changes:
            text = changes[grade_id](text)
        cell.source = without_solution_markers(text)
    return notebook


def expected_scores(graded: dict[str, GradedCell], answered_ids: set[str] | None,
                    broken: set[str] = frozenset()) -> dict[str, float | None]:
    """Return the score each graded cell must get.

    ``answered_ids`` are the answered exercises (None: all of them). Autograded cells: full
    points when their exercise is answered and the cell is not in ``broken``, else 0. Manually
    graded answers: None (waiting for a human) when answered, else 0 (nbgrader sees the
    untouched stub).
    """
    scores: dict[str, float | None] = {}
    for grade_id, cell in graded.items():
        is_answered = answered_ids is None or cell.exercise in answered_ids
        if not cell.automatic:
            scores[grade_id] = None if is_answered else 0.0
        elif not is_answered or grade_id in broken:
            scores[grade_id] = 0.0
        else:
            scores[grade_id] = cell.points
    return scores


def tests_of(graded: dict[str, GradedCell], exercise: str) -> list[str]:
    """Return the autograded test cells of one exercise, in order."""
    return [grade_id for grade_id, cell in graded.items()
            if cell.automatic and cell.exercise == exercise]


def mistake_submission(source: NotebookNode, release: NotebookNode,
                       graded: dict[str, GradedCell], mistake: Mistake,
                       student: str) -> Submission:
    """Return the submission with one mistake (or correct variant), or raise
    MistakeDoesNotApplyError when it does not fit the notebook any more."""
    answers = solution_cells(source)
    if mistake.grade_id not in answers:
        raise MistakeDoesNotApplyError(
            f"{student}: there is no solution cell {mistake.grade_id!r}; update "
            "tests/grading/mistakes/.")
    own_tests = tests_of(graded, mistake.grade_id)
    if not own_tests:
        raise MistakeDoesNotApplyError(
            f"{student}: solution cell {mistake.grade_id!r} has no test cell after it.")
    failing = set(own_tests if mistake.cells is None else mistake.cells)
    unknown = (failing | set(mistake.breaks)) - set(graded)
    if unknown:
        raise MistakeDoesNotApplyError(f"{student}: names unknown cells {sorted(unknown)}.")
    if failing - set(own_tests):
        raise MistakeDoesNotApplyError(f"{student}: cells {sorted(failing - set(own_tests))} "
                                       f"are not test cells of {mistake.grade_id}.")
    dependants = {graded_id for graded_id, cell in graded.items()
                  if cell.exercise and mistake.grade_id in requires(answers.get(cell.exercise, {}))}
    undeclared = set(mistake.breaks) - dependants
    if undeclared:
        raise MistakeDoesNotApplyError(
            f"{student}: breaks {sorted(undeclared)}, whose exercises do not declare that they "
            f"reuse {mistake.grade_id} (course.requires): each exercise is graded on its own.")
    if mistake.correct and mistake.flags:
        raise MistakeDoesNotApplyError(f"{student}: a correct answer must raise no tamper flag.")
    change = {mistake.grade_id: lambda text: apply(text, mistake.old, mistake.new, student)}
    notebook = answered(source, release, change)
    if mistake.correct:
        return Submission(student=student, notebook=notebook, description=mistake.what,
                          expected=expected_scores(graded, None),
                          visible={grade_id: True for grade_id in own_tests}, kind="correct")
    broken = failing | set(mistake.breaks)
    if mistake.fits_visible_only:
        visible = {grade_id: True for grade_id in own_tests}
    else:
        visible = {grade_id: grade_id not in failing for grade_id in own_tests}
        visible.update({grade_id: False for grade_id in mistake.breaks})
    first_failing = next(grade_id for grade_id in own_tests if grade_id in failing)
    feedback = {first_failing: mistake.feedback} if mistake.feedback else {}
    return Submission(
        student=student, notebook=notebook, description=mistake.what,
        expected=expected_scores(graded, None, broken), visible=visible, feedback=feedback,
        flags=mistake.flags, kind="hard-coded" if mistake.fits_visible_only else "mistake")


def mistake_students(assignment: str) -> list[tuple[str, Mistake]]:
    """Return (student id, mistake) for every mistake of an assignment."""
    students = []
    seen: dict[str, int] = {}
    for mistake in MISTAKES.get(assignment, []):
        prefix = "correct" if mistake.correct else "mistake"
        key = f"{prefix}-{mistake.grade_id}"
        seen[key] = seen.get(key, 0) + 1
        suffix = f"-{seen[key]}" if seen[key] > 1 else ""
        students.append((f"{key}{suffix}", mistake))
    return students


def only_submissions(source: NotebookNode, release: NotebookNode,
                     graded: dict[str, GradedCell]) -> list[Submission]:
    """Return one submission per exercise that answers only it (and what it declares it
    reuses): it must earn exactly those exercises' points."""
    submissions = []
    for exercise in exercises(source):
        answered_ids = set(required_closure(source, exercise))
        submissions.append(Submission(
            student=f"only-{exercise}",
            notebook=answered(source, release, only=answered_ids),
            description=f"only {exercise} answered"
                        + (f" (with {sorted(answered_ids - {exercise})}, which its text says "
                           "it reuses)" if len(answered_ids) > 1 else ""),
            expected=expected_scores(graded, answered_ids),
            visible={grade_id: True for grade_id in tests_of(graded, exercise)},
            kind="only"))
    return submissions


def build(assignment: str, source: NotebookNode, release: NotebookNode) -> Corpus:
    """Build every submission of one assignment (see the module docstring)."""
    from . import hostile

    graded = graded_cells(source)
    submissions = [
        Submission("release", copy.deepcopy(release), "the untouched release",
                   expected_scores(graded, set()), kind="release"),
        Submission("solution", answered(source, release), "every answer right",
                   expected_scores(graded, None),
                   visible={grade_id: True for grade_id, cell in graded.items()
                            if cell.automatic}, kind="solution"),
    ]
    problems = []
    try:
        submissions.extend(only_submissions(source, release, graded))
    except MistakeDoesNotApplyError as error:
        problems.append(str(error))
    for student, mistake in mistake_students(assignment):
        try:
            submissions.append(mistake_submission(source, release, graded, mistake, student))
        except MistakeDoesNotApplyError as error:
            problems.append(str(error))
    for student, make in hostile.kinds_for(assignment).items():
        try:
            submissions.append(make(student, source, release, graded))
        except MistakeDoesNotApplyError as error:
            problems.append(str(error))
    return Corpus(assignment, graded, submissions, problems)
