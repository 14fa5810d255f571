"""The instructor commands behind ``make assign``, ``make collect``, ``make autograde``,
``make feedback`` and ``make grades`` (INSTRUCTORS.md explains the workflow).

    python -m course_grading assign [ASSIGNMENT ...]
        Create or update each assignment in the gradebook (gradebook.db) from solutions/, and
        check that notebooks/ (what students got) is what those sources generate.
    python -m course_grading collect SUBMISSIONS [--assignment ASSIGNMENT] [--lms LMS]
                                     [--archive-times] [--timezone ZONE]
        Place an LMS's zip (Canvas, Moodle, Blackboard) or a folder of notebooks in nbgrader's
        submitted/<student>/<assignment>/ with each submission's time (nbgrader's zip_collect
        with course_grading.lms's plugins); report the files it could not place.
    python -m course_grading autograde [ASSIGNMENT ...] [--jobs N] [--scheduler tcp://...]
                                       [--unsafe-no-sandbox]
        Flag edited or deleted test cells and tampering; execute every submission in the
        sandbox, N at a time or on a Dask cluster (course_grading.execution); score them with
        one `nbgrader autograde` run per assignment.
    python -m course_grading feedback [ASSIGNMENT ...]
        Write the students' HTML feedback (feedback/) and check it hides the hidden tests.
    python -m course_grading grades [--output grades.csv] [--roster canvas-export.csv]
        Apply the late rule to the final scores, export every score with `nbgrader export`
        (one row per student and assignment), grades-canvas.csv (one row per student, a column
        per assignment, for Canvas's gradebook import) and grades-by-question.csv.
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
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from course_grading import integrity, late, markers, scoring, tamper
from course_grading.collecting import collect, submitted_students
from course_grading.course import (
    AUTOGRADED,
    FEEDBACK,
    GRADEBOOK,
    LOG_DIR,
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
from course_grading.preprocessors import (
    KERNEL_DIED_ERROR,
    KERNEL_STUCK_ERROR,
    NOT_RUN_ERROR,
    TIMEOUT_ERROR,
)

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
    from course_grading.term import read_term

    chosen = chosen_assignments(course, names)
    read_term(course, chosen_assignments(course, ()))  # A mistake in term.toml stops it first.
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
    set_due_dates(course, chosen)
    return chosen


def set_due_dates(course: Path, names: list[str]) -> None:
    """Write term.toml's due dates of ``names`` into the gradebook (nbgrader compares them with
    each submission's timestamp.txt to find late work)."""
    from nbgrader.api import Gradebook

    from course_grading.term import read_term, utc_naive

    term = read_term(course, chosen_assignments(course, ()))
    with Gradebook(gradebook_url(course)) as gradebook:
        for name in names:
            due = term.due(name)
            if due is None:
                continue
            gradebook.update_or_create_assignment(name, duedate=utc_naive(due))
            print(f"{name}: due {due:%Y-%m-%d %H:%M} {term.timezone} "
                  f"({utc_naive(due):%Y-%m-%d %H:%M} UTC)")


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
    or killed the kernel, and tests that did not run to their end. ``failures``: submissions
    that could not be executed (the reason). ``timings``: per student, the seconds of executing
    the submission (kernel start, each code cell, total; course_grading.execution).
    ``unsafe``: student code ran without the sandbox (--unsafe-no-sandbox). ``seconds``: the
    executions' seconds summed (whatever ran at once) and ``scoring_seconds`` (nbgrader's run).
    """

    students: list[str] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)
    review: dict[str, list[str]] = field(default_factory=dict)
    repairs: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    timings: dict[str, dict] = field(default_factory=dict)
    unsafe: bool = False
    seconds: float = 0.0
    scoring_seconds: float = 0.0


def plural(count: int, noun: str) -> str:
    """Return "1 submission", "2 submissions"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


REPORTS = "reports"
_NOTES = {TIMEOUT_ERROR: "timed out", KERNEL_DIED_ERROR: "killed the kernel",
          KERNEL_STUCK_ERROR: "ignored the interrupt (kernel replaced)",
          integrity.NOT_RUN_ERROR: "is a test that did not run to its end",
          integrity.TAMPERED_ERROR: "is a test that found the checks tampered with",
          NOT_RUN_ERROR: "was not run (the notebook used up its kernels or its time)"}


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
    if report.unsafe:
        lines += [UNSAFE_WARNING, ""]
    for student in report.students:
        items = ([f"  flag: {flag}" for flag in report.flags.get(student, [])
                  if flag.endswith((" edited", " deleted"))]
                 + ([f"  not executed: {report.failures[student]}"]
                    if student in report.failures else [])
                 + [f"  look at: {line}" for line in report.review.get(student, [])]
                 + [f"  repaired: {line}" for line in report.repairs.get(student, [])]
                 + [f"  note: {line}" for line in report.notes.get(student, [])])
        if items:
            lines += [student, *items, ""]
    if len(lines) == 2:
        lines.append("Nothing to review: no edited tests, no tampering, no repairs, no timeouts.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


UNSAFE_WARNING = ("WARNING: student code ran WITHOUT the sandbox (--unsafe-no-sandbox): with "
                  "your rights, in the course folder, with network access. Grades of untrusted "
                  "work graded this way cannot be trusted.")


def autograde(course: Path, names: Iterable[str] = (), jobs: int | None = None,
              scheduler: str | None = None, unsafe: bool = False) -> dict[str, AutogradeReport]:
    """Autograde every submission of each assignment: executed in the sandbox, ``jobs`` at a
    time (default: the number of cores) or on the Dask cluster at ``scheduler``, then scored by
    one `nbgrader autograde` run per assignment (course_grading.execution).

    Before grading, each submission is read for edited or deleted test cells and for the lines
    of the tamper report (course_grading.tamper); such submissions are flagged in the gradebook
    (formgrader shows the flag), and nbgrader restores the test cells anyway. After grading, the
    cells that timed out, killed the kernel or did not run to their end, and the metadata that
    grading repaired, are listed. Everything is printed and written to
    ``reports/<assignment>-review.txt``. Without a sandbox (no bubblewrap) nothing runs, unless
    ``unsafe`` is set; every report then says so.
    """
    from course_grading import execution, repair
    from course_grading import sandbox as sandboxes
    from course_grading import scheduler as scheduling

    jobs = jobs or scheduling.default_jobs()
    config = execution.course_config(course)
    if unsafe:
        print(UNSAFE_WARNING)
    elif scheduler is None:
        try:
            sandboxes.Sandbox(config=config).check()
        except sandboxes.SandboxUnavailableError as error:
            raise GradingError(str(error)) from None
    reports: dict[str, AutogradeReport] = {}
    tasks: list[execution.Task] = []
    for name in chosen_assignments(course, names):
        students = submitted_students(course, name)
        if not students:
            print(f"{name}: no submissions in {course / SUBMITTED}/*/{name}")
            continue
        report = AutogradeReport(students=students, unsafe=unsafe)
        review_submissions(course, name, students, report)
        shutil.rmtree(course / repair.REPORT_FOLDER / name, ignore_errors=True)
        shutil.rmtree(course / execution.EXECUTED / name, ignore_errors=True)
        prepared, problems = execution.prepare(course, name, students, config, unsafe)
        report.failures.update(problems)
        tasks.extend(prepared)
        reports[name] = report
    where = "WITHOUT a sandbox" if unsafe else "each in a sandbox"
    print(f"executing {plural(len(tasks), 'submission')} {scheduling.describe(jobs, scheduler)}, "
          f"{where}", flush=True)
    # nbgrader scores (and writes the gradebook) in one process for every assignment, replaying
    # the executions instead of running student code. The process starts now, so that its
    # imports overlap the executions, and scores each assignment once its submissions are all
    # executed, while the next ones execute.
    with scoring.Scorer(course, list(reports), "--force",
                        f"--RecoveringExecute.replay_from={course / execution.EXECUTED}"
                        ) as scorer:
        try:
            executed = _execute_all(course, tasks, reports, jobs, scheduler, unsafe,
                                    executed_all=scorer.release)
        except sandboxes.SandboxUnavailableError as error:
            raise GradingError(str(error)) from None
        if tasks:
            print(f"executed {plural(len(tasks), 'submission')} in {executed:.0f} s")
        scored = scorer.finish()
    errors: dict[str, str] = {}
    for name, report in reports.items():
        result = scored[name]
        if result.failed:
            log = course / LOG_DIR / f"autograde-{name}.log"
            errors[name] = (f"`nbgrader autograde {name}` failed (exit code {result.exit_code})."
                            f" Its log, {log}, ends with:\n"
                            + "\n".join(result.output.splitlines()[-25:]))
        report.scoring_seconds = result.seconds
        report.seconds = report.scoring_seconds + sum(
            timing.get("total", 0.0) for timing in report.timings.values())
        report.repairs = repair.read_repairs(course, name)
        _flag_in_gradebook(course, name, report.flags)
        for student in report.students:
            for path in sorted((course / AUTOGRADED / student / name).glob("*.ipynb")):
                for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
                    for output in cell.get("outputs", []):
                        if output.get("ename") in _NOTES:
                            report.notes.setdefault(student, []).append(
                                f"cell {number} {_NOTES[output['ename']]}")
        count = len(report.students)
        print(f"{name}: autograded {plural(count, 'submission')}: {report.seconds:.0f} s of "
              f"execution and scoring ({report.seconds / count:.1f} s each), of which scoring "
              f"{report.scoring_seconds:.0f} s")
        if report.unsafe:
            print(f"  {UNSAFE_WARNING}")
        for student in report.students:
            if student in report.failures:
                print(f"  NOT EXECUTED {student}: {report.failures[student]}")
            if report.flags.get(student):
                print(f"  flagged {student}: {', '.join(report.flags[student])}")
            for line in report.review.get(student, []):
                print(f"    {line}")
            if report.repairs.get(student):
                print(f"  repaired {student}: {'; '.join(report.repairs[student])}")
            if report.notes.get(student):
                print(f"  {student}: {', '.join(report.notes[student])}")
        print(f"  review list: {write_review(course, name, report)}")
    if errors:
        raise AutogradeError(reports, errors)
    return reports


class AutogradeError(GradingError):
    """Scoring failed for some assignments; ``reports`` holds what was graded, ``errors`` the
    message per assignment."""

    def __init__(self, reports: dict[str, AutogradeReport], errors: dict[str, str]) -> None:
        super().__init__("\n\n".join(f"{name}: {message}" for name, message in errors.items()))
        self.reports, self.errors = reports, errors


def _execute_all(course: Path, tasks: list, reports: dict[str, AutogradeReport], jobs: int,
                 scheduler: str | None, unsafe: bool,
                 executed_all: Callable[[str], None] = lambda name: None) -> float:
    """Execute every task (course_grading.scheduler), store each executed notebook for scoring,
    record timings and failures, and call ``executed_all(assignment)`` once an assignment has
    no task left; return the seconds it took in all."""
    from course_grading import execution
    from course_grading import scheduler as scheduling

    started = time.perf_counter()
    left = Counter(task.assignment for task in tasks)
    for name in reports:
        if not left[name]:
            executed_all(name)
    for task, result in scheduling.run(tasks, jobs, scheduler, unsafe):
        report = reports[task.assignment]
        report.timings[task.student] = result.timings
        if result.error:
            report.failures[task.student] = result.error.strip().splitlines()[-1]
            log = course / LOG_DIR / f"execute-{task.assignment}-{task.student}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(result.error, encoding="utf-8")
        else:
            execution.store(course, result, task)
        left[task.assignment] -= 1
        if not left[task.assignment]:
            executed_all(task.assignment)
    return time.perf_counter() - started


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
        # Written answers graded by hand since autograde change the score a late penalty is a
        # share of: apply the late rule again before the pages show it.
        late.refresh_penalties(course, [name])
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


def grades(course: Path, output: Path, roster: Path | None = None) -> Path:
    """Export the final scores: ``output`` (nbgrader's export, one row per student and
    assignment), and beside it grades-canvas.csv and grades-by-question.csv
    (course_grading.exports). Late penalties are first computed again from the current scores
    (course_grading.late.refresh_penalties), so that written answers graded by hand count."""
    from course_grading import exports, late
    from course_grading.term import read_term

    output = Path(output)
    target = output if output.is_absolute() else Path.cwd() / output
    term = read_term(course, chosen_assignments(course, ()))
    for (name, student), penalty in sorted(late.refresh_penalties(course).items()):
        print(f"late: {student} / {name}: -{exports.points(penalty)} points")
    run_nbgrader(course, "export", f"--to={target}", log_name="export")
    print(f"wrote {target}")
    table = exports.grade_table(course, roster)
    canvas = exports.canvas_csv(table, term, target.with_name(f"{target.stem}-canvas.csv"))
    print(f"wrote {canvas} (Canvas: Grades > Import)")
    questions = exports.question_csv(course, target.with_name(f"{target.stem}-by-question.csv"))
    print(f"wrote {questions}")
    for name, student in table.ungraded:
        print(f"not final: {student} / {name} has answers to grade by hand (make formgrader); "
              "its Canvas cell is empty")
    if table.without_canvas_id:
        print(f"no Canvas ID for {', '.join(table.without_canvas_id)}: Canvas will match them "
              "by name (collect from a Canvas zip, or pass --roster)")
    if roster is not None and table.not_on_roster:
        print(f"not on the roster {roster}: {', '.join(table.not_on_roster)}")
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
                     help="the assignment of files whose name does not say it (a zip of one "
                          "assignment, files named <student>.ipynb)")
    sub.add_argument("--lms", default="auto",
                     help="the naming the files follow: canvas, moodle, blackboard, names (no "
                          "LMS), or a pattern's lms in nbgrader_config.py (default: detected)")
    sub.add_argument("--archive-times", action="store_true",
                     help="use the times stored in the zip as submission times (not Canvas)")
    sub.add_argument("--timezone", default=None,
                     help="time zone of times without one (default: term.toml's, else UTC)")
    sub = commands.add_parser("autograde", help="execute (sandboxed, in parallel) and score")
    sub.add_argument("assignments", nargs="*")
    sub.add_argument("--jobs", type=int, default=None,
                     help="submissions executed at once on this machine (default: the number "
                          "of cores; 1: one after the other in this process)")
    sub.add_argument("--scheduler", default=None,
                     help="address of a Dask scheduler (tcp://host:8786) whose workers execute "
                          "the submissions")
    sub.add_argument("--unsafe-no-sandbox", action="store_true",
                     help="run student code WITHOUT the sandbox (trusted notebooks only)")
    for command in ("feedback", "scores"):
        commands.add_parser(command).add_argument("assignments", nargs="*")
    sub = commands.add_parser("grades", help="export scores to CSV")
    sub.add_argument("--output", type=Path, default=Path("grades.csv"))
    sub.add_argument("--roster", type=Path, default=None,
                     help="Canvas's gradebook export: its students, SIS ids and sections")
    arguments = parser.parse_args(argv)
    course = (arguments.course or default_course()).resolve()
    try:
        if arguments.command == "assign":
            assign(course, arguments.assignments, arguments.allow_drift)
        elif arguments.command == "collect":
            from course_grading.collecting import report

            result = collect(course, arguments.submissions, arguments.assignment,
                             lms=arguments.lms, archive_times=arguments.archive_times,
                             zone_name=arguments.timezone)
            print(report(course, result))
            return 1 if result.unplaced else 0
        elif arguments.command == "autograde":
            autograde(course, arguments.assignments, jobs=arguments.jobs,
                      scheduler=arguments.scheduler or None,
                      unsafe=arguments.unsafe_no_sandbox)
        elif arguments.command == "feedback":
            feedback(course, arguments.assignments)
        elif arguments.command == "grades":
            grades(course, arguments.output, arguments.roster)
        else:
            print_scores(course, arguments.assignments)
    except GradingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
