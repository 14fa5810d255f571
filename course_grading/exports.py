"""Grades for the LMS and for the instructor, from the gradebook (``make grades``).

* ``canvas_csv``: one row per student, one column per assignment, in the layout Canvas's
  gradebook import reads (Grades > Import): ``Student, ID, SIS User ID, SIS Login ID,
  Section``, then one column per assignment, and a ``Points Possible`` row. Canvas finds each
  student by ``ID`` (its user id, which ``make collect`` takes from Canvas's file names and
  keeps in the gradebook), then by SIS ids, then by name; an assignment column named
  ``<title> (<Canvas assignment id>)`` updates that assignment, any other name creates a new
  one. term.toml's ``lms_column`` gives each assignment its column name. With a roster (the
  CSV that Canvas's gradebook export gives), its students, SIS ids and sections are used.
* ``question_csv``: one row per student and graded cell (autograded test or answer graded by
  hand), for looking at which questions went wrong.

A score is the final one: the cells' points minus the late penalty. A cell stays empty when
the student submitted nothing (the LMS's own rule for missing work applies) or when a written
answer has not been graded by hand yet (the score would not be final); ``make grades`` lists
those.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from course_grading.course import GradingError, gradebook_url
from course_grading.term import Term

CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
QUESTION_COLUMNS = ["assignment", "student_id", "last_name", "first_name", "question", "kind",
                    "score", "max_score"]


def points(value: float | None) -> str:
    """Return points as a CSV cell: at most two decimals, no trailing zeros ("7.5", "10")."""
    if value is None:
        return ""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass
class StudentRow:
    """One student of the Canvas CSV: who, and the score of each assignment (None: empty)."""

    student_id: str | None
    name: str
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    scores: dict[str, float | None] = field(default_factory=dict)


@dataclass
class GradeTable:
    """The gradebook's final scores, and what is not final yet."""

    assignments: list[str]
    max_scores: dict[str, float]
    students: list[StudentRow]
    ungraded: list[tuple[str, str]]
    without_canvas_id: list[str]
    not_on_roster: list[str] = field(default_factory=list)


def read_roster(path: Path) -> list[StudentRow]:
    """Return the students of a Canvas gradebook export (Grades > Export), in its order."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows or len(rows[0]) < 2 or rows[0][0].strip() != "Student" or rows[0][1] != "ID":
        raise GradingError(f"{path} is not a Canvas gradebook export (its first columns should "
                           "be Student, ID, SIS User ID, SIS Login ID, Section).")
    header = [cell.strip() for cell in rows[0]]

    def cell(row: list[str], name: str) -> str:
        return row[header.index(name)].strip() if name in header and header.index(name) < len(
            row) else ""

    students = []
    for row in rows[1:]:
        if not row or not row[0].strip() or "Points Possible" in row[0] or all(
                not value.strip() or value.strip().lower() in ("muted", "manual posting")
                for value in row):
            continue
        if cell(row, "Student") == "Test Student":
            continue
        students.append(StudentRow(student_id=None, name=cell(row, "Student"),
                                   canvas_id=cell(row, "ID"),
                                   sis_user_id=cell(row, "SIS User ID"),
                                   sis_login_id=cell(row, "SIS Login ID"),
                                   section=cell(row, "Section")))
    return students


def grade_table(course: Path, roster: Path | None = None) -> GradeTable:
    """Read every final score from the gradebook (late penalties applied)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course)) as gradebook:
        assignments = sorted(assignment.name for assignment in gradebook.assignments)
        max_scores = {assignment.name: float(assignment.max_score)
                      for assignment in gradebook.assignments}
        ours: list[StudentRow] = []
        ungraded: list[tuple[str, str]] = []
        for student in sorted(gradebook.students, key=lambda item: item.id):
            name = (f"{student.last_name}, {student.first_name}"
                    if student.last_name and student.first_name
                    else student.last_name or student.first_name or student.id)
            # Canvas's user ids are numbers; another LMS's id (a Blackboard username) is not
            # one, and Canvas would not find the student by it.
            canvas_id = student.lms_user_id or ""
            row = StudentRow(student_id=student.id, name=name,
                             canvas_id=canvas_id if canvas_id.isdigit() else "")
            for assignment in assignments:
                try:
                    submission = gradebook.find_submission(assignment, student.id)
                except MissingEntry:
                    row.scores[assignment] = None
                    continue
                if submission.needs_manual_grade:
                    ungraded.append((assignment, student.id))
                    row.scores[assignment] = None
                    continue
                penalty = float(submission.late_submission_penalty or 0.0)
                row.scores[assignment] = max(0.0, float(submission.score) - penalty)
            ours.append(row)
    without_id = [row.student_id for row in ours if not row.canvas_id]
    if roster is None:
        return GradeTable(assignments, max_scores, ours, ungraded, without_id)
    listed = read_roster(roster)
    by_canvas_id = {row.canvas_id: row for row in ours if row.canvas_id}
    by_name = {row.name.casefold(): row for row in ours}
    for entry in listed:
        match = by_canvas_id.pop(entry.canvas_id, None) if entry.canvas_id else None
        if match is None and entry.name.casefold() in by_name and not by_name[
                entry.name.casefold()].canvas_id:
            match = by_name[entry.name.casefold()]
        if match is not None:
            entry.student_id = match.student_id
            entry.scores = match.scores
        else:
            entry.scores = dict.fromkeys(assignments)
    matched = {entry.student_id for entry in listed if entry.student_id}
    extra = [row for row in ours if row.student_id not in matched]
    return GradeTable(assignments, max_scores, listed + extra, ungraded,
                      [row.student_id for row in extra if not row.canvas_id],
                      [row.student_id for row in extra])


def canvas_csv(table: GradeTable, term: Term, path: Path) -> Path:
    """Write the Canvas gradebook import file (see the module docstring)."""
    columns = [term.lms_column(name) for name in table.assignments]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CANVAS_STUDENT_COLUMNS + columns)
        writer.writerow(["Points Possible", "", "", "", ""]
                        + [points(table.max_scores[name]) for name in table.assignments])
        for row in table.students:
            writer.writerow([row.name, row.canvas_id, row.sis_user_id, row.sis_login_id,
                             row.section]
                            + [points(row.scores.get(name)) for name in table.assignments])
    return path


def question_csv(course: Path, path: Path) -> Path:
    """Write one row per student and graded cell: score (empty when not graded yet), max."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gradebook, open(path, "w", encoding="utf-8",
                                                              newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(QUESTION_COLUMNS)
        for assignment in sorted(gradebook.assignments, key=lambda item: item.name):
            for submission in sorted(assignment.submissions, key=lambda item: item.student.id):
                student = submission.student
                for notebook in submission.notebooks:
                    order = {cell.name: index for index, cell in
                             enumerate(notebook.notebook.source_cells)}
                    for grade in sorted(notebook.grades, key=lambda item: order.get(item.name,
                                                                                    0)):
                        graded = grade.auto_score is not None or grade.manual_score is not None
                        kind = ("autograded" if grade.cell.cell_type == "code"
                                else "graded by hand")
                        writer.writerow([assignment.name, student.id, student.last_name or "",
                                         student.first_name or "", grade.name, kind,
                                         points(grade.score) if graded else "",
                                         points(grade.max_score)])
    return path
