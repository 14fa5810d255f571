"""Grade the corpus of each assignment in a scratch course folder, as an instructor would.

Each assignment gets its own course folder (its own gradebook.db, so that assignments can be
graded at the same time) holding a copy of solutions/<assignment> and of nbgrader_config.py.
The steps are the instructor commands of course_grading (what `make assign`, `make collect`,
`make autograde`, `make feedback` and `make grades` run): the release is generated into the
gradebook, the corpus is written as downloaded files named by student, collected, autograded
in one `nbgrader autograde` call, and turned into feedback and a grades CSV.
"""

from __future__ import annotations

import shutil
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_grading import collecting, commands
from course_grading import course as course_folder

from . import corpus as corpus_module
from . import hostile


@dataclass
class GradedCourse:
    """One assignment's scratch course after grading, with what happened on the way."""

    assignment: str
    course: Path
    corpus: corpus_module.Corpus | None = None
    reports: dict[str, commands.AutogradeReport] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None

    def autograded(self, student: str) -> nbformat.NotebookNode:
        """Return the autograded notebook of one student (what instructors see)."""
        path = self.course / course_folder.AUTOGRADED / student / self.assignment
        return nbformat.read(path / f"{self.assignment}.ipynb", as_version=4)

    def feedback_page(self, student: str) -> Path:
        """Return the path of one student's feedback HTML (what students receive)."""
        return (self.course / course_folder.FEEDBACK / student / self.assignment
                / f"{self.assignment}.html")


def grade(assignment: str, workdir: Path, repository: Path = course_folder.ROOT,
          config: Path | None = None) -> GradedCourse:
    """Build, submit and grade the corpus of one assignment; errors are kept, not raised.

    ``config`` is the nbgrader_config.py to grade with (default: the repository's).
    """
    course = workdir / "course"
    result = GradedCourse(assignment, course)
    try:
        (course / course_folder.SOURCE).mkdir(parents=True)
        shutil.copytree(repository / course_folder.SOURCE / assignment,
                        course / course_folder.SOURCE / assignment)
        shutil.copy(config or repository / "nbgrader_config.py", course / "nbgrader_config.py")
        started = time.perf_counter()
        commands.assign(course, [assignment])
        result.seconds["assign"] = time.perf_counter() - started
        notebook = f"{assignment}.ipynb"
        result.corpus = corpus_module.build(
            assignment,
            nbformat.read(course / course_folder.SOURCE / assignment / notebook, as_version=4),
            nbformat.read(course / course_folder.RELEASE / assignment / notebook, as_version=4))
        downloads = workdir / "downloads"
        downloads.mkdir()
        for submission in result.corpus.submissions:
            nbformat.write(submission.notebook,
                           downloads / f"{submission.student}_{assignment}.ipynb")
        collected = collecting.collect(course, downloads)
        if collected.skipped:
            raise course_folder.GradingError(f"collect skipped {collected.skipped}")
        started = time.perf_counter()
        result.reports = commands.autograde(course, [assignment])
        result.seconds["autograde"] = time.perf_counter() - started
        result.seconds["submissions"] = float(len(result.corpus.submissions))
        started = time.perf_counter()
        commands.feedback(course, [assignment], check_leaks=False)
        result.seconds["feedback"] = time.perf_counter() - started
        commands.grades(course, course / "grades.csv")
    except Exception:  # Reported by every test of this assignment, with the whole story.
        result.error = traceback.format_exc()
    return result


def grade_all(assignments: list[str], workdir: Path, workers: int) -> dict[str, GradedCourse]:
    """Grade several assignments at once, ``workers`` at a time (each in its own folder).

    The work happens in nbgrader subprocesses, so threads are enough to overlap them. The
    longest assignments start first: the one with the hostile submissions (minutes of timeouts),
    then the others from the last, whose models are the largest.
    """
    order = sorted(assignments, reverse=True)
    order.sort(key=lambda name: name != hostile.PIPELINE_ASSIGNMENT)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {name: pool.submit(grade, name, workdir / name) for name in order}
        return {name: future.result() for name, future in futures.items()}
