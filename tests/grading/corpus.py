"""Build the submissions that tests/test_grading.py grades, from the notebooks themselves.

Every submission starts from the student release (what nbgrader generated from the solution
notebook) and fills in answers the way a student would: the solution cell's code, without the
solution markers. Nothing is copied by hand, so the corpus follows the notebooks as they change.

Per assignment:

* ``release``: the untouched release (every autograded cell must score 0);
* ``solution``: every answer right (full marks);
* ``only-<exercise>``: only that exercise answered (and the exercises its text says it reuses):
  exactly its points, so that no exercise costs another its points;
* ``mistakes-NN`` and ``corrects-NN``: answers from ``mistakes/`` (see its docstring for what
  grading must do with each), packed several to a notebook: each pack holds at most one answer
  per exercise, never two exercises of which one reuses the other, and the solution everywhere
  else. Each exercise is graded on its own, so a pack's expected score per cell is what each of
  its answers would get alone; packing cuts the notebooks to execute by about four;
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
    grade_ids whose metadata grading must repair. ``hard_coded``: the exercises answered by
    a hard-coded answer (it passes the visible test and must lose points at grading).
    ``members``: for a pack, the answers it holds (``mistake-<exercise>[-n]`` or
    ``correct-<exercise>[-n]``, named in the order of ``mistakes/``).
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
    hard_coded: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


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
        flags=mistake.flags, kind="hard-coded" if mistake.fits_visible_only else "mistake",
        hard_coded=(mistake.grade_id,) if mistake.fits_visible_only else ())


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


@dataclass(frozen=True)
class Member:
    """One answer of ``mistakes/`` in a pack: its name, the mistake, and the submission it
    would be alone (the solution with only this answer changed), whose scores it keeps."""

    student: str
    mistake: Mistake
    alone: Submission


def affected_exercises(source: NotebookNode) -> dict[str, set[str]]:
    """Return, per solution cell, the exercises whose scores an answer to it can change: its
    own, and every exercise that reuses it, directly or not (``course.requires``)."""
    answers = solution_cells(source)
    affected: dict[str, set[str]] = {grade_id: {grade_id} for grade_id in answers}
    for grade_id in answers:
        for reused in required_closure(source, grade_id):
            affected[reused].add(grade_id)
    return affected


def packs(members: dict[str, list[Member]], affected: dict[str, set[str]],
          any_exercises: bool = False) -> list[list[Member]]:
    """Return the answers grouped into packs: at most one answer per exercise in each pack and,
    unless ``any_exercises`` (correct answers, which change no score), no two exercises whose
    answers can change the same exercise's scores (one reuses the other, or a third reuses
    both). The exercises with the most answers left go first, so there are about as few packs
    as the longest list of answers."""
    queues = {exercise: list(items) for exercise, items in members.items() if items}
    result = []
    while any(queues.values()):
        chosen: list[str] = []
        touched: set[str] = set()
        waiting = sorted((exercise for exercise, items in queues.items() if items),
                         key=lambda exercise: -len(queues[exercise]))
        for exercise in waiting:
            reach = affected.get(exercise, {exercise})
            if any_exercises or not reach & touched:
                chosen.append(exercise)
                touched |= reach
        result.append([queues[exercise].pop(0) for exercise in chosen])
    return result


def pack_submission(source: NotebookNode, release: NotebookNode,
                    graded: dict[str, GradedCell], members: list[Member], student: str,
                    kind: str) -> Submission:
    """Return the submission answering each member's exercise with the member's answer and
    every other exercise with the solution. Each exercise is graded on its own, so every
    graded cell must get what it gets in the submission of the member it belongs to."""
    changes = {member.mistake.grade_id: (
        lambda text, member=member: apply(text, member.mistake.old, member.mistake.new,
                                          member.student)) for member in members}
    full = expected_scores(graded, None)
    expected = dict(full)
    visible: dict[str, bool] = {}
    feedback: dict[str, str] = {}
    flags: set[str] = set()
    for member in members:
        alone = member.alone
        overlap = set(visible) & set(alone.visible)
        if overlap:
            raise MistakeDoesNotApplyError(
                f"{student}: {member.student} shares the visible checks {sorted(overlap)} "
                "with another answer of the pack; corpus.packs must keep them apart.")
        expected.update({grade_id: score for grade_id, score in alone.expected.items()
                         if score != full[grade_id]})
        visible.update(alone.visible)
        feedback.update(alone.feedback)
        flags.update(alone.flags)
    return Submission(
        student=student, notebook=answered(source, release, changes),
        description="; ".join(f"{member.student}: {member.alone.description}"
                              for member in members),
        expected=expected, visible=visible, feedback=feedback, flags=tuple(sorted(flags)),
        kind=kind, hard_coded=tuple(exercise for member in members
                                    for exercise in member.alone.hard_coded),
        members=tuple(member.student for member in members))


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
    alone: dict[str, dict[str, list[Member]]] = {"mistake": {}, "correct": {}}
    for student, mistake in mistake_students(assignment):
        try:
            member = Member(student, mistake,
                            mistake_submission(source, release, graded, mistake, student))
        except MistakeDoesNotApplyError as error:
            problems.append(str(error))
            continue
        family = alone["correct" if mistake.correct else "mistake"]
        family.setdefault(mistake.grade_id, []).append(member)
    try:
        affected = affected_exercises(source)
        for kind, prefix in (("mistake", "mistakes"), ("correct", "corrects")):
            for number, members in enumerate(packs(alone[kind], affected, kind == "correct"), 1):
                submissions.append(pack_submission(source, release, graded, members,
                                                   f"{prefix}-{number:02d}", kind))
    except MistakeDoesNotApplyError as error:
        problems.append(str(error))
    for student, make in hostile.kinds_for(assignment).items():
        try:
            submissions.append(make(student, source, release, graded))
        except MistakeDoesNotApplyError as error:
            problems.append(str(error))
    return Corpus(assignment, graded, submissions, problems)
