"""Grade the corpus of the selected assignments in one scratch course, as an instructor would.

The scratch course folder holds a copy of solutions/<assignment> of every selected assignment
and of nbgrader_config.py. The steps are the instructor commands of course_grading (what
`make assign`, `make collect`, `make autograde JOBS=N`, `make feedback` and `make grades` run):
the release is generated into the gradebook, the corpus is written as downloaded files named by
student, collected, autograded by one ``autograde`` call (every submission executed in the
sandbox, N at a time on a local Dask cluster, then scored by one `nbgrader autograde` run per
assignment), and turned into feedback and a grades CSV.

Just before autograde, ``Snapshot`` records what no submission may change: the gradebook's
tests, the course's files other than grading's outputs, the repository's helpers/.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_grading import collecting, commands
from course_grading import course as course_folder

from . import corpus as corpus_module

# What grading itself writes in a course folder (everything else must stay as it was): names
# of the course folder's entries, or their beginnings ("grades": grades.csv, grades-canvas.csv).
GRADING_OUTPUTS = (course_folder.AUTOGRADED, course_folder.FEEDBACK, course_folder.GRADEBOOK,
                   commands.REPORTS, ".nbgrader", "grades")
# The gradebook tables that hold what grading runs (tests, points, the notebooks).
GRADEBOOK_TABLES = ("assignment", "notebook", "base_cell", "source_cell", "grade_cells",
                    "solution_cells", "task_cells")


def file_hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Return {relative path: sha256} of every file under ``folder`` except those whose first
    part begins with one of ``skip``."""
    hashes = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if (path.is_file() and not relative.parts[0].startswith(skip)
                and "__pycache__" not in relative.parts):
            hashes[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def gradebook_rows(course: Path) -> dict[str, list[tuple]]:
    """Return every row of the gradebook tables that define the tests, in a stable order."""
    with sqlite3.connect(course / course_folder.GRADEBOOK) as database:
        return {table: sorted(database.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
                for table in GRADEBOOK_TABLES}


@dataclass
class Snapshot:
    """What must be unchanged by grading: gradebook tests, course files, helpers/."""

    gradebook: dict[str, list[tuple]]
    course_files: dict[str, str]
    helpers: dict[str, str]

    @classmethod
    def take(cls, course: Path) -> Snapshot:
        """Record the snapshot of a course now."""
        return cls(gradebook_rows(course), file_hashes(course, GRADING_OUTPUTS),
                   file_hashes(course_folder.ROOT / "helpers"))


@dataclass
class GradedCourse:
    """One assignment of the scratch course after grading, with what happened on the way."""

    assignment: str
    course: Path
    corpus: corpus_module.Corpus | None = None
    reports: dict[str, commands.AutogradeReport] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    before: Snapshot | None = None

    def autograded(self, student: str) -> nbformat.NotebookNode:
        """Return the autograded notebook of one student (what instructors see)."""
        path = self.course / course_folder.AUTOGRADED / student / self.assignment
        return nbformat.read(path / f"{self.assignment}.ipynb", as_version=4)

    def feedback_page(self, student: str) -> Path:
        """Return the path of one student's feedback HTML (what students receive)."""
        return (self.course / course_folder.FEEDBACK / student / self.assignment
                / f"{self.assignment}.html")


def set_up(course: Path, assignment: str, repository: Path, config: Path | None,
           downloads: Path, students: set[str] | None = None) -> GradedCourse:
    """Copy one assignment into the course, assign it and write its corpus (or the chosen
    ``students`` of it) into ``downloads``; errors are kept in the result, not raised."""
    result = GradedCourse(assignment, course)
    try:
        shutil.copytree(repository / course_folder.SOURCE / assignment,
                        course / course_folder.SOURCE / assignment)
        if not (course / "nbgrader_config.py").exists():
            shutil.copy(config or repository / "nbgrader_config.py",
                        course / "nbgrader_config.py")
        started = time.perf_counter()
        commands.assign(course, [assignment])
        result.seconds["assign"] = time.perf_counter() - started
        notebook = f"{assignment}.ipynb"
        result.corpus = corpus_module.build(
            assignment,
            nbformat.read(course / course_folder.SOURCE / assignment / notebook, as_version=4),
            nbformat.read(course / course_folder.RELEASE / assignment / notebook, as_version=4))
        if students is not None:
            result.corpus.submissions = [item for item in result.corpus.submissions
                                         if item.student in students]
        for submission in result.corpus.submissions:
            nbformat.write(submission.notebook,
                           downloads / f"{submission.student}_{assignment}.ipynb")
    except Exception:  # Reported by every test of this assignment, with the whole story.
        result.error = traceback.format_exc()
    return result


def grade_all(assignments: list[str], workdir: Path, workers: int,
              repository: Path = course_folder.ROOT, config: Path | None = None,
              scheduler: str | None = None,
              students: set[str] | None = None) -> dict[str, GradedCourse]:
    """Build, submit and grade the corpus of every assignment in one course, with the
    instructor commands: ``autograde`` executes ``workers`` submissions at a time (or on the
    Dask cluster at ``scheduler``). Errors are kept per assignment, not raised.

    ``config`` is the nbgrader_config.py to grade with (default: the repository's);
    ``students`` limits every corpus to those students.
    """
    course = workdir / "course"
    downloads = workdir / "downloads"
    (course / course_folder.SOURCE).mkdir(parents=True)
    downloads.mkdir(parents=True)
    results = {name: set_up(course, name, repository, config, downloads, students)
               for name in assignments}
    ready = [name for name, result in results.items() if result.error is None]
    try:
        collected = collecting.collect(course, downloads)
        if collected.skipped:
            raise course_folder.GradingError(f"collect skipped {collected.skipped}")
        snapshot = Snapshot.take(course)
        reports: dict[str, commands.AutogradeReport] = {}
        try:
            reports = commands.autograde(course, ready, jobs=workers, scheduler=scheduler)
        except commands.AutogradeError as error:
            reports = error.reports
            for name, message in error.errors.items():
                results[name].error = message
        for name in ready:
            result = results[name]
            result.before = snapshot
            if name in reports:
                result.reports = {name: reports[name]}
                result.seconds["autograde"] = reports[name].seconds
            result.seconds["submissions"] = float(len(result.corpus.submissions))
        graded = [name for name in ready if results[name].error is None]
        for name in graded:
            started = time.perf_counter()
            commands.feedback(course, [name], check_leaks=False)
            results[name].seconds["feedback"] = time.perf_counter() - started
        commands.grades(course, course / "grades.csv")
    except Exception:  # Every assignment reports it.
        story = traceback.format_exc()
        for name in ready:
            results[name].error = results[name].error or story
    return results
