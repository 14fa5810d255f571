"""The instructor commands behind ``make assign``, ``make collect``, ``make autograde``,
``make feedback`` and ``make grades`` (INSTRUCTORS.md explains the workflow).

    python -m course_grading assign [ASSIGNMENT ...]
        Create or update each assignment in the gradebook (gradebook.db) from solutions/, and
        check that notebooks/ (what students got) is what those sources generate.
    python -m course_grading collect SUBMISSIONS [--assignment ASSIGNMENT]
        Copy downloaded notebooks into nbgrader's submitted/<student>/<assignment>/ layout.
    python -m course_grading autograde [ASSIGNMENT ...]
        Flag edited or deleted test cells, then run `nbgrader autograde` once per assignment.
    python -m course_grading feedback [ASSIGNMENT ...]
        Write the students' HTML feedback (feedback/) and check it hides the hidden tests.
    python -m course_grading grades [--output grades.csv]
        Export every score with `nbgrader export`.
    python -m course_grading scores [ASSIGNMENT ...]
        Print the score of every graded cell of every submission.

Every command takes ``--course DIR`` (default: the current folder when it holds
nbgrader_config.py, else this repository), the folder that holds nbgrader_config.py,
solutions/, notebooks/ and the gradebook.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from course_grading import integrity, markers, tamper
from course_grading.collecting import collect, submitted_students
from course_grading.course import (
    AUTOGRADED,
    FEEDBACK,
    GRADEBOOK,
    RELEASE,
    SOURCE,
    SUBMITTED,
    GradingError,
    chosen_assignments,
    default_course,
    gradebook_url,
    normalised_cells,
    run_nbgrader,
)
from course_grading.preprocessors import KERNEL_DIED_ERROR, KERNEL_STUCK_ERROR, TIMEOUT_ERROR

# ---------------------------------------------------------------------------------------------
# The commands
# ---------------------------------------------------------------------------------------------


def assign(course: Path, names: Iterable[str] = (), allow_drift: bool = False) -> list[str]:
    """Create or update assignments in the course gradebook from solutions/.

    Runs ``nbgrader generate_assignment`` with the course's gradebook, writing the generated
    student version to a scratch folder. When notebooks/<assignment> exists (the release that
    `make release` wrote and students received), it must match what was generated, else the
    gradebook would grade against tests the students never saw: a GradingError says to run
    `make release` (or pass ``allow_drift``). When it does not exist, it is written.
    Returns the assignments processed.
    """
    from course_grading import release as release_tools

    chosen = chosen_assignments(course, names)
    drifted = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in chosen:
            run_nbgrader(course, "generate_assignment", name, "--force",
                         f"--CourseDirectory.release_directory={scratch}",
                         f"--CourseDirectory.db_url={gradebook_url(course)}",
                         log_name=f"assign-{name}")
            released = course / RELEASE / name
            for generated in sorted((Path(scratch) / name).glob("*.ipynb")):
                source = nbformat.read(course / SOURCE / name / generated.name, as_version=4)
                notebook = release_tools.student_edition(nbformat.read(generated, as_version=4),
                                                         source, name)
                target = released / generated.name
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    release_tools.write(notebook, target)
                    print(f"{name}: wrote the student release {target}")
                elif normalised_cells(nbformat.read(target, as_version=4)) != normalised_cells(
                        notebook):
                    drifted.append(str(target))
            print(f"{name}: in the gradebook {course / GRADEBOOK}")
    if drifted and not allow_drift:
        raise GradingError(
            "These student notebooks differ from what solutions/ generates, so students would be "
            "graded against tests they did not see:\n  " + "\n  ".join(drifted)
            + "\nRun `make release` and give students the new notebooks, or, to grade work done "
              "on the old release, check out the commit it came from and run `make assign` "
              "there. (--allow-drift skips this check.)")
    for path in drifted:
        print(f"warning: {path} differs from solutions/ (--allow-drift)")
    return chosen


def tampered_cells(submitted: NotebookNode, locked_sources: dict[str, str]) -> list[str]:
    """Return what a student changed in locked cells: "<grade_id> deleted" or "... edited".

    A locked cell found unchanged under another grade_id (or none) is neither: its metadata
    changed, which course_grading.repair reports. ``locked_sources`` maps each locked cell's
    grade_id to the source students were given (hidden tests removed). nbgrader restores such
    cells from the gradebook anyway; this is for telling the instructor.
    """
    present: dict[str, str] = {}
    for cell in submitted.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            present[grade_id] = cell.source
    # A locked cell whose metadata changed (grading repairs it) is still there, unchanged.
    sources = [_comparable(cell.source) for cell in submitted.cells]
    problems = []
    for grade_id, source in locked_sources.items():
        if grade_id not in present:
            if _comparable(source) not in sources:
                problems.append(f"{grade_id} deleted")
        elif _comparable(present[grade_id]) != _comparable(source):
            problems.append(f"{grade_id} edited")
    return problems


def _comparable(source: str) -> list[str]:
    return [line.rstrip() for line in source.strip().split("\n")]


def locked_sources(course: Path, name: str) -> dict[str, dict[str, str]]:
    """Return, per notebook of an assignment, its locked cells as students received them."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gradebook:
        assignment = gradebook.find_assignment(name)
        return {notebook.name: {cell.name: markers.remove_hidden_tests(cell.source)
                                for cell in notebook.source_cells if cell.locked}
                for notebook in assignment.notebooks}


@dataclass
class AutogradeReport:
    """What ``autograde`` found, per student.

    ``flags``: edited or deleted test cells, and the rules of the tamper report a submission
    matched. ``review``: the tamper report's lines (course_grading.tamper). ``repairs``: cell
    metadata set back to the gradebook's (course_grading.repair). ``notes``: cells that timed out
    or killed the kernel, and tests that did not run to their end.
    """

    students: list[str] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)
    review: dict[str, list[str]] = field(default_factory=dict)
    repairs: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0


def plural(count: int, noun: str) -> str:
    """Return "1 submission", "2 submissions"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


REPORTS = "reports"
_NOTES = {TIMEOUT_ERROR: "timed out", KERNEL_DIED_ERROR: "killed the kernel",
          KERNEL_STUCK_ERROR: "ignored the interrupt (kernel replaced)",
          integrity.NOT_RUN_ERROR: "is a test that did not run to its end",
          integrity.TAMPERED_ERROR: "is a test that found the checks tampered with"}


def review_submissions(course: Path, name: str, students: list[str],
                       report: AutogradeReport) -> None:
    """Fill in the flags and the tamper report of ``report`` from the submitted notebooks."""
    expected = locked_sources(course, name)
    for student in students:
        for notebook, sources in expected.items():
            path = course / SUBMITTED / student / name / f"{notebook}.ipynb"
            if not path.exists():
                continue
            try:
                submitted = nbformat.read(path, as_version=4)
            except Exception as error:  # nbgrader reports unreadable files itself.
                report.notes.setdefault(student, []).append(f"{path.name} unreadable: {error}")
                continue
            problems = tampered_cells(submitted, sources)
            release_path = course / RELEASE / name / f"{notebook}.ipynb"
            release = nbformat.read(release_path, as_version=4) if release_path.exists() else None
            findings = tamper.scan_notebook(submitted, release)
            rules = sorted({finding.rule for finding in findings})
            if problems or rules:
                report.flags.setdefault(student, []).extend(problems + rules)
            if findings:
                report.review.setdefault(student, []).extend(
                    f"{notebook}: {finding.describe()}" for finding in findings)


def write_review(course: Path, name: str, report: AutogradeReport) -> Path:
    """Write the instructor's review list of one assignment to reports/<assignment>-review.txt."""
    path = course / REPORTS / f"{name}-review.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"Autograde review of {name}: {plural(len(report.students), 'submission')}.", ""]
    for student in report.students:
        items = ([f"  flag: {flag}" for flag in report.flags.get(student, [])
                  if flag.endswith((" edited", " deleted"))]
                 + [f"  look at: {line}" for line in report.review.get(student, [])]
                 + [f"  repaired: {line}" for line in report.repairs.get(student, [])]
                 + [f"  note: {line}" for line in report.notes.get(student, [])])
        if items:
            lines += [student, *items, ""]
    if len(lines) == 2:
        lines.append("Nothing to review: no edited tests, no tampering, no repairs, no timeouts.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def autograde(course: Path, names: Iterable[str] = ()) -> dict[str, AutogradeReport]:
    """Autograde every submission of each assignment with one `nbgrader autograde` call.

    Before grading, each submission is read for edited or deleted test cells and for the lines
    of the tamper report (course_grading.tamper); such submissions are flagged in the gradebook
    (formgrader shows the flag), and nbgrader restores the test cells anyway. After grading, the
    cells that timed out, killed the kernel or did not run to their end, and the metadata that
    grading repaired, are listed. Everything is printed and written to
    ``reports/<assignment>-review.txt``.
    """
    from course_grading import repair

    reports = {}
    for name in chosen_assignments(course, names):
        students = submitted_students(course, name)
        if not students:
            print(f"{name}: no submissions in {course / SUBMITTED}/*/{name}")
            continue
        report = AutogradeReport(students=students)
        review_submissions(course, name, students, report)
        shutil.rmtree(course / repair.REPORT_FOLDER / name, ignore_errors=True)
        started = time.perf_counter()
        run_nbgrader(course, "autograde", name, "--force", log_name=f"autograde-{name}")
        report.seconds = time.perf_counter() - started
        report.repairs = repair.read_repairs(course, name)
        _flag_in_gradebook(course, name, report.flags)
        for student in students:
            for path in sorted((course / AUTOGRADED / student / name).glob("*.ipynb")):
                for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
                    for output in cell.get("outputs", []):
                        if output.get("ename") in _NOTES:
                            report.notes.setdefault(student, []).append(
                                f"cell {number} {_NOTES[output['ename']]}")
        print(f"{name}: autograded {plural(len(students), 'submission')} in "
              f"{report.seconds:.0f} s ({report.seconds / len(students):.1f} s each)")
        for student in students:
            if report.flags.get(student):
                print(f"  flagged {student}: {', '.join(report.flags[student])}")
            for line in report.review.get(student, []):
                print(f"    {line}")
            if report.repairs.get(student):
                print(f"  repaired {student}: {'; '.join(report.repairs[student])}")
            if report.notes.get(student):
                print(f"  {student}: {', '.join(report.notes[student])}")
        print(f"  review list: {write_review(course, name, report)}")
        reports[name] = report
    return reports


def _flag_in_gradebook(course: Path, name: str, flags: dict[str, list[str]]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gradebook:
        for student in flags:
            for notebook in gradebook.find_submission(name, student).notebooks:
                notebook.flagged = True
        gradebook.db.commit()


def feedback(course: Path, names: Iterable[str] = (),
             check_leaks: bool = True) -> dict[str, list[Path]]:
    """Generate the HTML feedback of every autograded submission, then check it for leaks.

    A hidden test line found in a feedback file raises a GradingError (nothing should be sent
    then): nbgrader_config.py must list course_grading.preprocessors.HideTestCode for
    generate_feedback.
    ``check_leaks=False`` leaves that check to the caller (the tests make it themselves).
    """
    written = {}
    for name in chosen_assignments(course, names):
        if not list((course / AUTOGRADED).glob(f"*/{name}")):
            print(f"{name}: nothing autograded yet")
            continue
        run_nbgrader(course, "generate_feedback", name, "--force", log_name=f"feedback-{name}")
        pages = sorted((course / FEEDBACK).glob(f"*/{name}/*.html"))
        hidden = markers.secret_lines(course, name)["hidden test"]
        for page in pages if check_leaks else []:
            text = markers.html_text(page.read_text(encoding="utf-8"))
            found = markers.leaks_in_any_encoding(text, hidden)
            if found:
                raise GradingError(f"{page} shows hidden tests, for example {found[0]!r}. Do not "
                                   "send it; check c.GenerateFeedback.preprocessors in "
                                   "nbgrader_config.py.")
            if str(course.resolve()) in text:
                raise GradingError(f"{page} shows the course folder's path ({course.resolve()}). "
                                   "Do not send it; check c.GenerateFeedback.preprocessors.")
        print(f"{name}: {len(pages)} feedback files in {course / FEEDBACK}/<student>/{name}/")
        written[name] = pages
    return written


def grades(course: Path, output: Path) -> Path:
    """Export every student's score per assignment to a CSV file with `nbgrader export`."""
    output = Path(output)
    target = output if output.is_absolute() else Path.cwd() / output
    run_nbgrader(course, "export", f"--to={target}", log_name="export")
    print(f"wrote {target}")
    return target


def cell_scores(course: Path, name: str) -> dict[str, dict[str, float | None]]:
    """Return {student: {grade_id: score}} for every graded cell of an assignment.

    ``None`` marks a manually graded cell that nobody has graded yet.
    """
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float | None]] = {}
    with Gradebook(gradebook_url(course)) as gradebook:
        assignment = gradebook.find_assignment(name)
        for submission in assignment.submissions:
            table = scores.setdefault(submission.student.id, {})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    ungraded = grade.auto_score is None and grade.manual_score is None
                    table[grade.name] = None if ungraded else float(grade.score)
    return scores


def print_scores(course: Path, names: Iterable[str]) -> None:
    """Print the per-cell scores of every submission as CSV on stdout."""
    writer = csv.writer(sys.stdout)
    writer.writerow(["assignment", "student", "grade_id", "score"])
    for name in chosen_assignments(course, names):
        for student, table in sorted(cell_scores(course, name).items()):
            for grade_id, score in table.items():
                writer.writerow([name, student, grade_id, "" if score is None else score])


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=None,
                        help="course folder (default: the current folder when it holds "
                             "nbgrader_config.py, else this repository)")
    commands = parser.add_subparsers(dest="command", required=True)
    sub = commands.add_parser("assign", help="create assignments in the gradebook")
    sub.add_argument("assignments", nargs="*")
    sub.add_argument("--allow-drift", action="store_true",
                     help="do not stop when notebooks/ differs from what solutions/ generates")
    sub = commands.add_parser("collect", help="place downloaded notebooks in submitted/")
    sub.add_argument("submissions", type=Path)
    sub.add_argument("--assignment", default=None,
                     help="the assignment of files named <student>.ipynb")
    for command in ("autograde", "feedback", "scores"):
        commands.add_parser(command).add_argument("assignments", nargs="*")
    sub = commands.add_parser("grades", help="export scores to CSV")
    sub.add_argument("--output", type=Path, default=Path("grades.csv"))
    arguments = parser.parse_args(argv)
    course = (arguments.course or default_course()).resolve()
    try:
        if arguments.command == "assign":
            assign(course, arguments.assignments, arguments.allow_drift)
        elif arguments.command == "collect":
            result = collect(course, arguments.submissions, arguments.assignment)
            for student, name, target in result.placed:
                print(f"{student} / {name}: {target.relative_to(course)}")
            for path, reason in result.skipped:
                print(f"skipped {path}: {reason}")
            print(f"{len(result.placed)} placed, {len(result.skipped)} skipped")
            return 1 if result.skipped else 0
        elif arguments.command == "autograde":
            autograde(course, arguments.assignments)
        elif arguments.command == "feedback":
            feedback(course, arguments.assignments)
        elif arguments.command == "grades":
            grades(course, arguments.output)
        else:
            print_scores(course, arguments.assignments)
    except GradingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
