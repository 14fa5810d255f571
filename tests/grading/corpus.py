"""Build the submissions that tests/test_grading.py grades, from the notebooks themselves.

Every submission starts from the student release (what nbgrader generated from the solution
notebook) and fills in answers the way a student would: the solution cell's code, without the
solution markers. Nothing is copied by hand, so the corpus follows the notebooks as they change.

Per assignment:

* ``release``: the untouched release (every autograded cell must score 0);
* ``solution``: every answer right (full marks);
* ``mistake-<grade_id>``: one mistake from ``mistakes.MISTAKES`` in one exercise (that
  exercise's test cells lose their points, the others keep theirs);
* for notebook 01 only, hostile and broken submissions (``HOSTILE``): an endless loop, one
  that ignores interrupts, a kernel that dies, a syntax error, a test cell edited to ``pass``
  or deleted, a renamed function, huge output and warnings. They test the grading pipeline,
  not the notebook, so one cheap notebook is enough: each costs a whole notebook run, and the
  two loops about a minute of waiting each (timeouts; they sleep, leaving the CPU free).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

import nbformat
from nbformat.notebooknode import NotebookNode

from .mistakes import MISTAKES, Mistake

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
HOSTILE_ASSIGNMENT = "01-mnist-data"


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
    """One submitted notebook and what grading it must give."""

    student: str
    notebook: NotebookNode
    description: str
    expected: dict[str, float | None]
    feedback: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
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


def exercises(source: NotebookNode) -> list[str]:
    """Return the grade_ids of the autograded exercises (solution cells with a test after)."""
    return sorted({cell.exercise for cell in graded_cells(source).values()
                   if cell.automatic and cell.exercise}, key=_order(source))


def _order(source: NotebookNode) -> Callable[[str], int]:
    positions = {nbgrader_metadata(cell).get("grade_id"): index
                 for index, cell in enumerate(source.cells)}
    return lambda grade_id: positions.get(grade_id, len(positions))


def without_markers(source: str) -> str:
    """Return a solution cell's code as a student would type it: no solution markers."""
    return "\n".join(line for line in source.split("\n")
                     if BEGIN_SOLUTION not in line and END_SOLUTION not in line)


def apply(source: str, old: str, new: str, where: str) -> str:
    """Replace the one occurrence of ``old`` in ``source``; raise if it is not there once."""
    count = source.count(old)
    if count != 1:
        raise MistakeDoesNotApplyError(
            f"{where}: the text to replace occurs {count} times (it must occur once), so the "
            f"solution changed; update tests/grading/mistakes.py. Text: {old!r}")
    return source.replace(old, new)


def answered(source: NotebookNode, release: NotebookNode,
             changes: dict[str, Callable[[str], str]] | None = None) -> NotebookNode:
    """Return the release with every answer filled in from the source notebook.

    ``changes`` maps a solution cell's grade_id to a function applied to its source (with
    markers) before the markers are removed: that is how a mistake gets in.
    """
    answers = {nbgrader_metadata(cell)["grade_id"]: cell.source for cell in source.cells
               if nbgrader_metadata(cell).get("solution")}
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        grade_id = nbgrader_metadata(cell).get("grade_id")
        if nbgrader_metadata(cell).get("solution") and grade_id in answers:
            text = answers[grade_id]
            if changes and grade_id in changes:
                text = changes[grade_id](text)
            cell.source = without_markers(text)
    return notebook


def expected_scores(graded: dict[str, GradedCell], answered_all: bool,
                    broken: set[str] = frozenset()) -> dict[str, float | None]:
    """Return the score each graded cell must get.

    Autograded cells: 0 when ``broken`` holds them or nothing was answered, else full points.
    Manually graded answers: 0 when unanswered (nbgrader sees the untouched stub), else None
    (waiting for a human).
    """
    scores: dict[str, float | None] = {}
    for grade_id, cell in graded.items():
        if not cell.automatic:
            scores[grade_id] = None if answered_all else 0.0
        elif not answered_all or grade_id in broken:
            scores[grade_id] = 0.0
        else:
            scores[grade_id] = cell.points
    return scores


def tests_of(graded: dict[str, GradedCell], exercise: str) -> set[str]:
    """Return the autograded test cells of one exercise."""
    return {grade_id for grade_id, cell in graded.items()
            if cell.automatic and cell.exercise == exercise}


def mistake_submission(source: NotebookNode, release: NotebookNode,
                       graded: dict[str, GradedCell], mistake: Mistake,
                       student: str) -> Submission:
    """Return the submission with one mistake, or raise MistakeDoesNotApplyError."""
    solution_ids = {nbgrader_metadata(cell).get("grade_id") for cell in source.cells
                    if nbgrader_metadata(cell).get("solution")}
    if mistake.grade_id not in solution_ids:
        raise MistakeDoesNotApplyError(
            f"{student}: there is no solution cell {mistake.grade_id!r}; update "
            "tests/grading/mistakes.py.")
    own_tests = tests_of(graded, mistake.grade_id)
    if not own_tests:
        raise MistakeDoesNotApplyError(
            f"{student}: solution cell {mistake.grade_id!r} has no test cell after it.")
    unknown = set(mistake.breaks) - set(graded)
    if unknown:
        raise MistakeDoesNotApplyError(f"{student}: breaks names unknown cells {sorted(unknown)}.")
    change = {mistake.grade_id: lambda text: apply(text, mistake.old, mistake.new, student)}
    notebook = answered(source, release, change)
    broken = own_tests | set(mistake.breaks)
    return Submission(
        student=student, notebook=notebook, description=mistake.what,
        expected=expected_scores(graded, True, broken),
        feedback={grade_id: mistake.feedback for grade_id in sorted(own_tests)})


def mistake_students(assignment: str) -> list[tuple[str, Mistake]]:
    """Return (student id, mistake) for every mistake of an assignment."""
    students = []
    seen: dict[str, int] = {}
    for mistake in MISTAKES.get(assignment, []):
        seen[mistake.grade_id] = seen.get(mistake.grade_id, 0) + 1
        suffix = f"-{seen[mistake.grade_id]}" if seen[mistake.grade_id] > 1 else ""
        students.append((f"mistake-{mistake.grade_id}{suffix}", mistake))
    return students


def build(assignment: str, source: NotebookNode, release: NotebookNode) -> Corpus:
    """Build every submission of one assignment (see the module docstring)."""
    graded = graded_cells(source)
    submissions = [
        Submission("release", copy.deepcopy(release), "the untouched release",
                   expected_scores(graded, False), kind="release"),
        Submission("solution", answered(source, release), "every answer right",
                   expected_scores(graded, True), kind="solution"),
    ]
    problems = []
    for student, mistake in mistake_students(assignment):
        try:
            submissions.append(mistake_submission(source, release, graded, mistake, student))
        except MistakeDoesNotApplyError as error:
            problems.append(str(error))
    if assignment == HOSTILE_ASSIGNMENT:
        for student, make in HOSTILE.items():
            submissions.append(make(student, source, release, graded))
    return Corpus(assignment, graded, submissions, problems)


# ---------------------------------------------------------------------------------------------
# Hostile and broken submissions (notebook 01 only; see the module docstring)
# ---------------------------------------------------------------------------------------------


def _changed(grade_id: str, old: str, new: str) -> dict[str, Callable[[str], str]]:
    return {grade_id: lambda text: apply(text, old, new, f"hostile change in {grade_id}")}


def _cell(notebook: NotebookNode, grade_id: str) -> NotebookNode:
    for cell in notebook.cells:
        if nbgrader_metadata(cell).get("grade_id") == grade_id:
            return cell
    raise MistakeDoesNotApplyError(f"no cell {grade_id!r} in {HOSTILE_ASSIGNMENT}")


def _scores(graded: dict[str, GradedCell], *broken: str) -> dict[str, float | None]:
    return expected_scores(graded, True, set(broken))


def endless_loop(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """An answer that never returns: the timeout interrupts it, that exercise scores 0.

    The loop sleeps, so that the 30 seconds it waits (twice: in the test cell and in the cell
    that uses the function next) leave the shared CPU to other work.
    """
    notebook = answered(source, release, _changed(
        "train-validation-split",
        "    split_at = len(images) - validation_size",
        "    import time\n\n"
        "    while validation_size > 0:  # The student meant to count down and forgot to.\n"
        "        time.sleep(0.05)\n"
        "    split_at = len(images) - validation_size"))
    return Submission(student, notebook, "an endless loop in one answer",
                      _scores(graded, "test-train-validation-split"), kind="hostile")


def uninterruptible_loop(student: str, source: NotebookNode, release: NotebookNode,
                         graded: dict[str, GradedCell]) -> Submission:
    """An answer that neither returns nor stops when interrupted (as a long call inside
    compiled code may): the kernel is replaced, that exercise scores 0."""
    notebook = answered(source, release, _changed(
        "train-validation-split",
        "    split_at = len(images) - validation_size",
        "    import signal\n    import time\n\n"
        "    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Interrupts are ignored from now on.\n"
        "    while validation_size > 0:\n"
        "        time.sleep(0.05)\n"
        "    split_at = len(images) - validation_size"))
    return Submission(student, notebook, "an endless loop that ignores interrupts",
                      _scores(graded, "test-train-validation-split"), kind="hostile")


def kernel_killer(student: str, source: NotebookNode, release: NotebookNode,
                  graded: dict[str, GradedCell]) -> Submission:
    """An answer that kills the Python kernel: later cells run in a fresh, empty kernel."""
    notebook = answered(source, release, _changed(
        "indices-of-class",
        "    return np.flatnonzero(np.asarray(labels) == digit)",
        "    import os\n\n"
        "    os._exit(1)  # Ends the kernel's process at once.\n"
        "    return np.flatnonzero(np.asarray(labels) == digit)"))
    return Submission(student, notebook, "an answer that kills the kernel",
                      _scores(graded, "test-indices-of-class", "test-mean-image-per-class",
                              "test-train-validation-split"), kind="hostile")


def syntax_error(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """An answer that does not parse: its function is never defined."""
    notebook = answered(source, release, _changed(
        "mean-image-per-class",
        "for k in range(num_classes)])",
        "for k in range(num_classes)]"))
    return Submission(student, notebook, "a syntax error in one answer",
                      _scores(graded, "test-mean-image-per-class"), kind="hostile")


def edited_test(student: str, source: NotebookNode, release: NotebookNode,
                graded: dict[str, GradedCell]) -> Submission:
    """A wrong answer whose visible test cell was replaced by ``pass``: it is restored."""
    mistake = MISTAKES[HOSTILE_ASSIGNMENT][0]
    notebook = answered(source, release, _changed(mistake.grade_id, mistake.old, mistake.new))
    _cell(notebook, "test-count-per-class").source = "pass"
    return Submission(student, notebook, "a test cell edited to pass",
                      _scores(graded, "test-count-per-class"),
                      flags=("test-count-per-class edited",), kind="hostile")


def deleted_test(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """A wrong answer whose test cell was deleted: nbgrader adds it back and runs it."""
    mistake = MISTAKES[HOSTILE_ASSIGNMENT][1]
    notebook = answered(source, release, _changed(mistake.grade_id, mistake.old, mistake.new))
    notebook.cells.remove(_cell(notebook, "test-indices-of-class"))
    return Submission(student, notebook, "a test cell deleted",
                      _scores(graded, "test-indices-of-class"),
                      flags=("test-indices-of-class deleted",), kind="hostile")


def renamed_function(student: str, source: NotebookNode, release: NotebookNode,
                     graded: dict[str, GradedCell]) -> Submission:
    """A right answer under another name: the test cannot find the function."""
    notebook = answered(source, release, _changed(
        "count-per-class", "def count_per_class(", "def count_classes("))
    return Submission(student, notebook, "a renamed function",
                      _scores(graded, "test-count-per-class"), kind="hostile")


def huge_output(student: str, source: NotebookNode, release: NotebookNode,
                graded: dict[str, GradedCell]) -> Submission:
    """A right answer that prints every label it counts, and a cell printing 20 MB on one line.

    Grading keeps full marks and cuts the output, so that neither the autograded notebook nor
    the feedback page grows to tens of megabytes.
    """
    notebook = answered(source, release, _changed(
        "count-per-class",
        "    return np.bincount(",
        "    for label in np.asarray(labels).ravel():  # Debugging output left in.\n"
        "        print(label)\n"
        "    return np.bincount("))
    notebook.cells.append(nbformat.v4.new_code_cell('print("x" * 20_000_000)'))
    return Submission(student, notebook, "huge printed output",
                      _scores(graded), kind="hostile")


WARNING_TEXT = "Mean of empty slice (a warning from the student's code)"
TENSORFLOW_LOG_LINE = "I0000 00:00:1700000000.000000 1 cpu_feature_guard.cc:210] oneDNN note"


def warnings_everywhere(student: str, source: NotebookNode, release: NotebookNode,
                        graded: dict[str, GradedCell]) -> Submission:
    """A right answer whose code warns inside a test cell, after a cell that writes a
    TensorFlow-style log line and a warning to stderr: no point may be lost."""
    notebook = answered(source, release, _changed(
        "count-per-class",
        "    return np.bincount(",
        "    import warnings\n\n"
        f"    warnings.warn({WARNING_TEXT!r}, RuntimeWarning, stacklevel=1)\n"
        "    return np.bincount("))
    setup = next(index for index, cell in enumerate(notebook.cells)
                 if cell.cell_type == "code" and "settings.setup()" in cell.source)
    # A log line written to file descriptor 2 (as TensorFlow's C++ code does) and one written
    # to sys.stderr (as Python loggers do), then warnings outside any test.
    notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(
        "import os\nimport sys\nimport warnings\n\n"
        f"os.write(2, b{TENSORFLOW_LOG_LINE + chr(10)!r})\n"
        f"print({TENSORFLOW_LOG_LINE!r}, file=sys.stderr)\n"
        'warnings.warn("a warning outside any test", UserWarning, stacklevel=1)\n'
        'warnings.warn("another warning outside any test", RuntimeWarning, stacklevel=1)'))
    return Submission(student, notebook, "warnings and log lines on stderr",
                      _scores(graded), kind="hostile")


Maker = Callable[[str, NotebookNode, NotebookNode, dict[str, GradedCell]], Submission]
HOSTILE: dict[str, Maker] = {
    "hostile-endless-loop": endless_loop,
    "hostile-uninterruptible-loop": uninterruptible_loop,
    "hostile-kernel-killer": kernel_killer,
    "hostile-syntax-error": syntax_error,
    "hostile-edited-test": edited_test,
    "hostile-deleted-test": deleted_test,
    "hostile-renamed-function": renamed_function,
    "hostile-huge-output": huge_output,
    "hostile-warnings": warnings_everywhere,
}
