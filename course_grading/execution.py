"""Executing submissions apart from scoring them: what makes parallel and distributed grading.

nbgrader's ``autograde`` reads each submission, restores its test cells from the gradebook
(its *sanitize* step), executes it and scores it, one submission after the other, in one
process that owns the gradebook. ``python -m course_grading autograde`` splits that in three:

1. **Prepare** (the grader, ``prepare``): each submission goes through nbgrader's own sanitize
   preprocessors (``c.Autograde.sanitize_preprocessors`` of nbgrader_config.py, in this
   process), giving the notebook that will run, hidden tests included, as a ``Task``.
2. **Execute** (anywhere, ``execute``): a task needs nothing but the course's environment
   (``helpers``, the dataset folder); it runs the notebook with ``RecoveringExecute`` in the
   sandbox (same timeouts, kernel recovery, output limits and run proofs as nbgrader's own
   execution would have) and returns the executed notebook. ``course_grading.scheduler`` runs
   tasks one after the other, on a local Dask cluster or on a Dask scheduler's workers.
3. **Score** (the grader): one ``nbgrader autograde`` run per assignment with
   ``--RecoveringExecute.replay_from``: nbgrader sanitizes each submission again (the same
   cells) and RecoveringExecute takes the outputs of the executed notebook instead of running
   it; every other step, and the gradebook, are nbgrader's, in one process.

Nothing the sandbox sees is written back but the executed notebook, which the grader checks
cell by cell against what it sanitized (``preprocessors.replay``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from course_grading.course import SOURCE, SUBMITTED, gradebook_url

# Where the executed notebooks wait for scoring, in the course folder (instructors only: they
# hold the hidden tests).
EXECUTED = Path(".nbgrader") / "executed"
# The configuration sections a worker needs to execute a notebook as nbgrader would.
EXECUTION_SECTIONS = ("Execute", "RecoveringExecute", "Sandbox", "OutputLimits",
                      "ExecutePreprocessor", "NotebookClient")
# Environment a notebook runs with during grading (nbgrader sets NBGRADER_EXECUTION itself).
GRADING_ENVIRONMENT = {"NBGRADER_EXECUTION": "autograde", "COURSE_MODE": "fast"}
# Defaults that the grader's own environment overrides. NumPy asks Linux for huge pages
# (madvise) for every large array. Where the kernel finds none free (on the 2-core VM the
# course is measured on, AnonHugePages stays at 0 kB), each new array pays for that failed
# search: 0.28 s instead of 0.07 s to fill 188 MB, about 2 s of grading in each of notebooks
# 02 and 06. Set NUMPY_MADVISE_HUGEPAGE=1 before grading to keep NumPy's default.
GRADING_DEFAULTS = {"NUMPY_MADVISE_HUGEPAGE": "0"}


def grading_environment() -> dict[str, str]:
    """Return the variables set while a submission executes: ``GRADING_ENVIRONMENT``, and each
    of ``GRADING_DEFAULTS`` that the grader's environment does not set itself."""
    defaults = {name: os.environ.get(name, value) for name, value in GRADING_DEFAULTS.items()}
    return {**defaults, **GRADING_ENVIRONMENT}


@dataclass
class Task:
    """One submitted notebook, sanitized and ready to execute anywhere."""

    assignment: str
    student: str
    notebook: str
    source: str  # The sanitized notebook (JSON), hidden tests included.
    files: dict[str, bytes] = field(default_factory=dict)  # Files released with it.
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # Config sections.

    @property
    def name(self) -> str:
        """Return ``assignment/student/notebook``, for progress lines and errors."""
        return f"{self.assignment}/{self.student}/{self.notebook}"


@dataclass
class Executed:
    """What executing one task gave: the executed notebook (JSON) or the error, and timings.

    ``timings``: seconds for ``kernel_start`` (the sandbox and the kernel, until it answers),
    ``cells`` (one per code cell, in order), ``total``; ``restarts``: kernels replaced.
    """

    task: str
    notebook: str | None = None
    error: str | None = None
    timings: dict[str, Any] = field(default_factory=dict)
    worker: str = ""


def course_config(course: Path) -> Config:
    """Return the course's nbgrader configuration (its nbgrader_config.py)."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def execution_settings(config: Config, unsafe: bool = False) -> dict[str, dict[str, Any]]:
    """Return the configuration sections a worker needs, as plain data."""
    settings = {section: dict(config[section]) for section in EXECUTION_SECTIONS
                if section in config}
    if unsafe:
        settings.setdefault("Sandbox", {})["unsafe_no_sandbox"] = True
    return settings


def _preprocessor_classes(names: list) -> list:
    from traitlets.utils.importstring import import_item

    return [import_item(name) if isinstance(name, str) else name for name in names]


def prepare(course: Path, assignment: str, students: list[str], config: Config,
            unsafe: bool = False) -> tuple[list[Task], dict[str, str]]:
    """Sanitize every submitted notebook of ``students`` as nbgrader's autograde does first.

    Returns the tasks and, per student, why a submission could not be prepared (nbgrader will
    say the same when scoring it).
    """
    from nbconvert.exporters import NotebookExporter
    from nbgrader.converters.autograde import Autograde

    from course_grading import repair, sandbox

    config = Config(config)
    config.RepairCellMetadata.report_folder = str(course / repair.REPORT_FOLDER)
    names = config.Autograde.get("sanitize_preprocessors",
                                 Autograde.sanitize_preprocessors.default_value)
    database = config.CourseDirectory.get("db_url", gradebook_url(course))
    settings = execution_settings(config, unsafe)
    files = {path.name: path.read_bytes()
             for path in sandbox.released_files(course / SOURCE / assignment) if path.is_file()}
    tasks: list[Task] = []
    problems: dict[str, str] = {}
    with _working_directory(course):
        for student in students:
            folder = course / SUBMITTED / student / assignment
            for path in sorted(folder.glob("*.ipynb")):
                exporter = NotebookExporter(config=config)
                for preprocessor in _preprocessor_classes(names):
                    exporter.register_preprocessor(preprocessor, enabled=True)
                resources = {"unique_key": path.stem, "nbgrader": {
                    "student": student, "assignment": assignment, "notebook": path.stem,
                    "db_url": database}}
                try:
                    source, _ = exporter.from_filename(str(path), resources=resources)
                except Exception as error:  # nbgrader reports the same failure when scoring.
                    problems[student] = f"{path.name}: {type(error).__name__}: {error}"
                    continue
                tasks.append(Task(assignment, student, path.stem, source, files, settings))
    return tasks, problems


@contextlib.contextmanager
def _working_directory(folder: Path):  # noqa: ANN202 (a context manager)
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def _environment(values: dict[str, str]):  # noqa: ANN202 (a context manager)
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute(task: Task) -> Executed:
    """Execute one task in the sandbox, as nbgrader's autograde would; never raises.

    Runs where it is called: in the grader (one job), in a local Dask worker, or on a worker
    machine of a Dask cluster (which needs the course installed and its dataset folder).
    """
    import socket

    from course_grading.preprocessors import RecoveringExecute

    started = time.perf_counter()
    result = Executed(task.name, worker=socket.gethostname())
    folder = tempfile.mkdtemp(prefix="course-notebook-")
    try:
        for name, content in task.files.items():
            (Path(folder) / Path(name).name).write_bytes(content)
        notebook = nbformat.reads(task.source, as_version=4)
        executor = RecoveringExecute(config=Config(task.settings))
        resources = {"metadata": {"path": folder}, "nbgrader": {
            "student": task.student, "assignment": task.assignment, "notebook": task.notebook}}
        with _environment(grading_environment()):
            notebook, _ = executor.preprocess(notebook, resources)
        result.notebook = nbformat.writes(notebook)
        result.timings = dict(executor.timings)
    except Exception:  # Reported with the submission's name; the others go on.
        result.error = traceback.format_exc()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result.timings["total"] = time.perf_counter() - started
    return result


def store(course: Path, executed: Executed, task: Task) -> Path:
    """Write an executed notebook where the scoring run replays it from."""
    from course_grading.preprocessors import executed_path

    path = executed_path(course / EXECUTED, task.assignment, task.student, task.notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(executed.notebook or "", encoding="utf-8")
    return path
