"""Instructor commands for grading with nbgrader (run through the Makefile, see INSTRUCTORS.md).

    python -m tools.grading assign [ASSIGNMENT ...]
        Create or update each assignment in the gradebook (gradebook.db) from solutions/, and
        check that notebooks/ (what students got) is what those sources generate.
    python -m tools.grading collect SUBMISSIONS [--assignment ASSIGNMENT]
        Copy downloaded notebooks into nbgrader's submitted/<student>/<assignment>/ layout.
    python -m tools.grading autograde [ASSIGNMENT ...]
        Flag edited or deleted test cells, then run `nbgrader autograde` once per assignment.
    python -m tools.grading feedback [ASSIGNMENT ...]
        Write the students' HTML feedback (feedback/) and check it hides the hidden tests.
    python -m tools.grading grades [--output grades.csv]
        Export every score with `nbgrader export`.
    python -m tools.grading scores [ASSIGNMENT ...]
        Print the score of every graded cell of every submission.

Every command takes ``--course DIR`` (default: this repository), the folder that holds
nbgrader_config.py, solutions/, notebooks/ and the gradebook.

This module also holds the nbgrader preprocessors that nbgrader_config.py plugs into
autograde and generate_feedback: ``RecoveringExecute`` (a kernel that dies is restarted),
``LimitOutputSize`` (huge outputs are cut), ``StderrIsNotAFailure`` (a warning in a test cell
costs no points) and ``HideTestCode`` (feedback shows no hidden test and no test traceback).
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert.filters import strip_ansi
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import Execute, LimitOutput, NbGraderPreprocessor
from traitlets import Integer, Unicode

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "solutions"
RELEASE = "notebooks"
SUBMITTED = "submitted"
AUTOGRADED = "autograded"
FEEDBACK = "feedback"
GRADEBOOK = "gradebook.db"
LOG_DIR = Path(".nbgrader") / "logs"

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
# Lines shorter than this (``else:``, ``pass``, ``)``) say nothing about a test or an answer.
SECRET_LINE_MINIMUM = 12
# The error names of a cell that ran past c.Execute.timeout (nbgrader's), and of one whose
# kernel died or ignored the interrupt (RecoveringExecute's).
TIMEOUT_ERROR = "CellTimeoutError"
KERNEL_DIED_ERROR = "DeadKernelError"
KERNEL_STUCK_ERROR = "KernelNotResponding"


class GradingError(RuntimeError):
    """A grading step failed; the message says what to do."""


# ---------------------------------------------------------------------------------------------
# nbgrader preprocessors (named in nbgrader_config.py)
# ---------------------------------------------------------------------------------------------


class RecoveringExecute(Execute):
    """nbgrader's Execute, except that a dead or stuck kernel does not spoil the whole grading.

    * A kernel that dies (``os._exit``, a crash, running out of memory): nbgrader would give up
      on the submission, record no grade and make ``nbgrader autograde`` exit with an error.
      Here the cell that killed the kernel gets an error output, a fresh kernel is started and
      the remaining cells run in it.
    * A cell that times out and ignores the interrupt (a long call inside compiled code, or
      code that ignores SIGINT): nbgrader would send every following cell to the busy kernel
      and wait the full timeout for each. Here, when the kernel does not answer within
      ``responsive_seconds`` after the interrupt, it is replaced by a fresh one.

    A fresh kernel starts empty, so the cells that need earlier definitions fail: the student
    keeps the points earned before the crash.
    """

    max_kernel_restarts = Integer(
        3, help="How often one notebook may lose its kernel before the rest is not run."
    ).tag(config=True)

    responsive_seconds = Integer(
        10, help="Seconds an interrupted kernel has to answer before it is replaced."
    ).tag(config=True)

    kernel_died_message = Unicode(
        "The Python kernel died while running this cell (os._exit, a crash or too little "
        "memory). The cells after it ran in a fresh, empty kernel.",
        help="The error message written into the cell that killed the kernel.",
    ).tag(config=True)

    kernel_stuck_message = Unicode(
        "This cell ran past the time limit and did not stop when interrupted, so the kernel "
        "was replaced. The cells after it ran in a fresh, empty kernel.",
        help="The error message written into a cell whose kernel had to be replaced.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        """Execute the notebook, counting kernel restarts from zero."""
        self._kernel_restarts = 0
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        """Execute one cell; replace the kernel when it died or stays stuck."""
        if getattr(self, "_kernel_restarts", 0) > self.max_kernel_restarts:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error_output(
                    KERNEL_DIED_ERROR, "Not run: this notebook lost its kernel too often.")]
            return cell, self.resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.log.warning("The kernel died in cell %d; starting a fresh one", index)
            cell.outputs.append(_error_output(KERNEL_DIED_ERROR, self.kernel_died_message))
            self._replace_kernel()
            return cell, self.resources
        except CellTimeoutError:
            # After the interrupt, nbclient waited for the cell's last output in vain (the
            # kernel is still busy) and gave up on the whole notebook; here only the cell fails.
            cell.outputs.append(_error_output(
                TIMEOUT_ERROR, f"This cell ran for more than {self.timeout} s and was stopped."))
            resources = self.resources
        timed_out = any(output.get("ename") == TIMEOUT_ERROR for output in cell.get("outputs", []))
        if timed_out and not self._kernel_responds():
            self.log.warning("The kernel ignored the interrupt in cell %d; replacing it", index)
            cell.outputs.append(_error_output(KERNEL_STUCK_ERROR, self.kernel_stuck_message))
            self._replace_kernel()
        return cell, resources

    def _kernel_responds(self) -> bool:
        """Return True when the kernel runs a trivial request within ``responsive_seconds``."""
        from jupyter_core.utils import run_sync

        return run_sync(self._async_kernel_responds)()

    async def _async_kernel_responds(self) -> bool:
        import asyncio
        from queue import Empty

        from jupyter_core.utils import ensure_async

        message_id = await ensure_async(self.kc.execute("pass", silent=True, store_history=False))
        deadline = asyncio.get_running_loop().time() + self.responsive_seconds
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return False
            try:
                reply = await ensure_async(self.kc.shell_channel.get_msg(timeout=remaining))
            except Empty:
                return False
            if reply["parent_header"].get("msg_id") == message_id:
                return True

    def _replace_kernel(self) -> None:
        """Replace the kernel and its client with new ones."""
        from jupyter_core.utils import run_sync

        self._kernel_restarts += 1
        run_sync(self._async_replace_kernel)()

    async def _async_replace_kernel(self) -> None:
        from jupyter_core.utils import ensure_async

        try:
            await ensure_async(self.km.shutdown_kernel(now=True))
        except RuntimeError:
            pass  # The kernel was already gone.
        await self._async_cleanup_kernel()
        self.km = self.create_kernel_manager()
        await self.async_start_new_kernel()
        await self.async_start_new_kernel_client()


def _error_output(ename: str, evalue: str) -> NotebookNode:
    """Return an nbformat error output whose traceback is its message."""
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


class LimitOutputSize(LimitOutput):
    """nbgrader's LimitOutput (lines per cell), plus a limit on characters per output.

    LimitOutput counts lines, so one enormous line (``print("x" * 10**8)``) passes it and makes
    the autograded notebook and the feedback page hundreds of megabytes.
    """

    max_characters = Integer(
        20_000, help="Characters kept from each text output of a cell (-1: no limit)."
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        """Apply LimitOutput, then cut every text output to ``max_characters``."""
        cell, resources = super().preprocess_cell(cell, resources, index)
        if cell.cell_type != "code" or self.max_characters < 0:
            return cell, resources
        for output in cell.outputs:
            if output.output_type == "stream":
                output.text = self._cut(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                for mime, value in list(output.get("data", {}).items()):
                    if isinstance(value, str) and len(value) > 50 * self.max_characters:
                        if mime == "text/plain":
                            output.data[mime] = self._cut(value)
                        else:
                            del output.data[mime]
        return cell, resources

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_characters:
            return text
        return (text[: self.max_characters]
                + f"\n... Output truncated ({len(text):,} characters in all) ...\n")


class StderrIsNotAFailure(NbGraderPreprocessor):
    """Turn stderr output of test cells into ordinary output, so that it costs no points.

    nbgrader scores a test cell 0 when it wrote anything to stderr, even when every check
    passed: a warning from NumPy or a TensorFlow log line raised by a correct answer would cost
    the student the exercise. The course's tests fail by raising (helpers.checks), so an error
    output, never stderr, is what marks a failure. The text stays visible to the student.
    """

    note = Unicode(
        "[This cell wrote the following to stderr. It is shown as a warning and costs no "
        "points.]\n",
        help="Text put before stderr output moved to stdout.",
    ).tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        """Rename stderr streams of graded code cells to stdout."""
        if cell.cell_type == "code" and nbgrader_utils.is_grade(cell):
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                    output.text = self.note + output.text
        return cell, resources


class HideTestCode(NbGraderPreprocessor):
    """Feedback for students: no hidden tests, and no test code in tracebacks.

    nbgrader's generate_feedback renders the autograded notebook, whose test cells hold the
    hidden tests again (autograde restores them from the gradebook), and whose tracebacks quote
    the lines around the failing check. This removes the hidden region from test cells and
    the test cell's own frames from their tracebacks; the error message (what was expected,
    what was found) and frames in the student's own code stay.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        """Clean one test cell; other cells are left as they are."""
        if cell.cell_type != "code" or not nbgrader_utils.is_grade(cell):
            return cell, resources
        if nbgrader_utils.is_solution(cell):
            return cell, resources
        secret = hidden_test_lines(cell.source)
        cell.source = remove_hidden_tests(cell.source)
        for output in cell.outputs:
            if output.output_type == "error":
                output.traceback = student_traceback(output, cell.get("execution_count"), secret)
        return cell, resources


def split_region(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """Return the lines between the markers and the lines outside them (markers dropped)."""
    inside_lines: list[str] = []
    outside_lines: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (inside_lines if inside else outside_lines).append(line)
    return inside_lines, outside_lines


def _outside_region(source: str, begin: str, end: str) -> str:
    return "\n".join(split_region(source, begin, end)[1])


def _region_lines(source: str, begin: str, end: str) -> list[str]:
    return split_region(source, begin, end)[0]


def remove_hidden_tests(source: str) -> str:
    """Return ``source`` without its BEGIN/END HIDDEN TESTS regions (markers included).

    Unlike nbgrader's ClearHiddenTests it never raises: an unmatched marker hides the rest
    of the cell.
    """
    return _outside_region(source, BEGIN_HIDDEN, END_HIDDEN)


def hidden_test_lines(source: str) -> list[str]:
    """Return the lines between the hidden-test markers of a test cell's source."""
    return _region_lines(source, BEGIN_HIDDEN, END_HIDDEN)


def solution_lines(source: str) -> list[str]:
    """Return the lines between the solution markers of a source cell."""
    return _region_lines(source, BEGIN_SOLUTION, END_SOLUTION)


def student_traceback(output: NotebookNode, execution_count: int | None,
                      secret_lines: Iterable[str]) -> list[str]:
    """Return an error's traceback without the frames that show test code.

    IPython formats a traceback as a header line, one entry per frame and the final
    ``Error: message`` line. Frames of the test cell itself (``Cell In[N]``) and frames quoting a
    hidden line are replaced by one sentence; the header, the message and frames in the
    student's own cells or in helpers are kept.
    """
    secrets = [line.strip() for line in secret_lines if len(line.strip()) >= SECRET_LINE_MINIMUM]
    own_cell = f"In[{execution_count}]" if execution_count else None
    entries = list(output.get("traceback", []))
    kept: list[str] = []
    hidden_any = False
    for position, entry in enumerate(entries):
        plain = strip_ansi(entry)
        is_frame = 0 < position < len(entries) - 1
        shows_test = (own_cell is not None and own_cell in plain) or any(
            secret in plain for secret in secrets)
        if is_frame and shows_test:
            if not hidden_any:
                kept.append("In the test cell (its code is not shown here). The last line says "
                            "what went wrong.")
            hidden_any = True
            continue
        if shows_test:
            # The header or the final line quoted a hidden line: keep only the message.
            entry = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
        kept.append(entry)
    return kept


# ---------------------------------------------------------------------------------------------
# Course folders and nbgrader runs
# ---------------------------------------------------------------------------------------------


def assignments(course: Path) -> list[str]:
    """Return the assignments of a course: folders of solutions/ holding a notebook, in order."""
    source = course / SOURCE
    if not source.is_dir():
        raise GradingError(f"{source} does not exist: --course must name the course folder "
                           f"(the one holding nbgrader_config.py and solutions/).")
    return sorted(path.name for path in source.iterdir()
                  if path.is_dir() and any(path.glob("*.ipynb")))


def chosen_assignments(course: Path, names: Iterable[str]) -> list[str]:
    """Return ``names`` (every assignment when empty), checking that each exists."""
    known = assignments(course)
    chosen = [name.strip("/").split("/")[-1] for name in names if name.strip()]
    for name in chosen:
        if name not in known:
            raise GradingError(f"Unknown assignment {name!r}; the course has {known}.")
    return chosen or known


def gradebook_url(course: Path) -> str:
    """Return the sqlite URL of the course's gradebook (gradebook.db in the course folder)."""
    return f"sqlite:///{(course / GRADEBOOK).resolve()}"


def run_nbgrader(course: Path, *arguments: str, log_name: str) -> str:
    """Run one ``nbgrader`` command in the course folder; return its output, or raise.

    The output is also written to ``.nbgrader/logs/<log_name>.log`` in the course folder.
    nbgrader exits with 0 even after some failures (``validate`` does), so callers also read
    the output.
    """
    command = [sys.executable, "-m", "nbgrader", *arguments]
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    log = course / LOG_DIR / f"{log_name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"$ nbgrader {' '.join(arguments)}\n{output}", encoding="utf-8")
    failed = result.returncode != 0 or "There was an error processing assignment" in output
    if failed:
        raise GradingError(f"`nbgrader {' '.join(arguments)}` failed (exit code "
                           f"{result.returncode}). Its log, {log}, ends with:\n"
                           + "\n".join(output.splitlines()[-25:]))
    return output


def normalised_cells(notebook: NotebookNode) -> list[tuple[str, str, Any]]:
    """Return what students see of each cell: type, source and nbgrader metadata."""
    cells = []
    for cell in notebook.cells:
        metadata = {key: value for key, value in cell.metadata.get("nbgrader", {}).items()
                    if key != "checksum"}
        cells.append((cell.cell_type, cell.source.rstrip(), metadata))
    return cells


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
    from tools import notebooks as release_tools

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
                notebook = release_tools.normalise(nbformat.read(generated, as_version=4),
                                                   keep_checked_outputs=False)
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


STUDENT_ID = re.compile(r"[^A-Za-z0-9_.@+-]+")


@dataclass
class Collected:
    """What ``collect`` did: files placed, and files it could not place (with the reason)."""

    placed: list[tuple[str, str, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def match_submission(path: Path, root: Path, known: list[str],
                     assignment: str | None) -> tuple[str, str]:
    """Return (student, assignment) for a downloaded notebook, or raise ValueError.

    Accepted layouts, relative to the submissions folder:
    ``<student>/<assignment>.ipynb`` (a folder per student, e.g. an unzipped LMS export),
    ``<anything with the assignment name and the student>.ipynb`` such as
    ``alice_01-mnist-data.ipynb`` (the student is the name without the assignment), and, with
    ``assignment`` given, ``<student>.ipynb``.
    """
    relative = path.relative_to(root)
    stem = path.stem
    found = [name for name in known if name in stem]
    name = max(found, key=len) if found else None
    if assignment and name and name != assignment:
        raise ValueError(f"its name says {name}, not {assignment}")
    name = name or assignment
    if name is None:
        raise ValueError(f"no assignment name ({', '.join(known)}) in the file name; "
                         "pass --assignment for files named <student>.ipynb")
    rest = stem.replace(name, " ").strip(" _-.")
    if len(relative.parts) > 1 and (not rest or stem == name):
        student = relative.parts[0]
    else:
        student = rest
    student = STUDENT_ID.sub("-", student).strip("-")
    if not student:
        raise ValueError("no student name in the file name or its folder")
    return student, name


def collect(course: Path, submissions: Path, assignment: str | None = None) -> Collected:
    """Copy downloaded notebooks into ``submitted/<student>/<assignment>/<assignment>.ipynb``.

    Files that are not readable notebooks, or whose student or assignment cannot be told from
    the name, are listed as skipped (with the reason) rather than stopping the others.
    """
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise GradingError(f"{submissions} is not a folder of submitted notebooks.")
    known = assignments(course)
    if assignment is not None and assignment not in known:
        raise GradingError(f"Unknown assignment {assignment!r}; the course has {known}.")
    result = Collected()
    seen: dict[tuple[str, str], Path] = {}
    for path in sorted(submissions.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        try:
            student, name = match_submission(path, submissions, known, assignment)
        except ValueError as error:
            result.skipped.append((path, str(error)))
            continue
        try:
            nbformat.read(path, as_version=4)
        except Exception as error:  # A damaged file must not stop the rest of the class.
            result.skipped.append((path, f"not a readable notebook ({type(error).__name__}: "
                                         f"{str(error).splitlines()[0][:100]})"))
            continue
        if (student, name) in seen:
            result.skipped.append((path, f"a second file for {student} and {name} "
                                         f"(kept {seen[(student, name)]})"))
            continue
        seen[(student, name)] = path
        target = course / SUBMITTED / student / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        result.placed.append((student, name, target))
    return result


def submitted_students(course: Path, name: str) -> list[str]:
    """Return the students with a submission of assignment ``name``."""
    folder = course / SUBMITTED
    if not folder.is_dir():
        return []
    return sorted(path.parent.name for path in folder.glob(f"*/{name}") if path.is_dir())


def tampered_cells(submitted: NotebookNode, locked_sources: dict[str, str]) -> list[str]:
    """Return what a student changed in locked cells: "<grade_id> deleted" or "... edited".

    ``locked_sources`` maps each locked cell's grade_id to the source students were given
    (hidden tests removed). nbgrader restores such cells from the gradebook anyway; this is
    for telling the instructor.
    """
    present: dict[str, str] = {}
    for cell in submitted.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            present[grade_id] = cell.source
    problems = []
    for grade_id, source in locked_sources.items():
        if grade_id not in present:
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
        return {notebook.name: {cell.name: remove_hidden_tests(cell.source)
                                for cell in notebook.source_cells if cell.locked}
                for notebook in assignment.notebooks}


@dataclass
class AutogradeReport:
    """What ``autograde`` found: flagged submissions, and cells cut short."""

    students: list[str] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0


def autograde(course: Path, names: Iterable[str] = ()) -> dict[str, AutogradeReport]:
    """Autograde every submission of each assignment with one `nbgrader autograde` call.

    Before grading, submissions whose locked cells (the tests) were edited or deleted are
    listed; after grading they are flagged in the gradebook (formgrader shows the flag).
    nbgrader itself restores those cells from the gradebook, so tampering gains nothing.
    Cells that timed out or killed the kernel are listed for the instructor.
    """
    reports = {}
    for name in chosen_assignments(course, names):
        students = submitted_students(course, name)
        if not students:
            print(f"{name}: no submissions in {course / SUBMITTED}/*/{name}")
            continue
        report = AutogradeReport(students=students)
        expected = locked_sources(course, name)
        for student in students:
            for notebook, sources in expected.items():
                path = course / SUBMITTED / student / name / f"{notebook}.ipynb"
                if path.exists():
                    problems = tampered_cells(nbformat.read(path, as_version=4), sources)
                    if problems:
                        report.flags.setdefault(student, []).extend(problems)
        started = time.perf_counter()
        run_nbgrader(course, "autograde", name, "--force", log_name=f"autograde-{name}")
        report.seconds = time.perf_counter() - started
        _flag_in_gradebook(course, name, report.flags)
        for student in students:
            for path in sorted((course / AUTOGRADED / student / name).glob("*.ipynb")):
                for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
                    for output in cell.get("outputs", []):
                        if output.get("ename") == TIMEOUT_ERROR:
                            report.notes.setdefault(student, []).append(
                                f"cell {number} timed out")
                        elif output.get("ename") == KERNEL_DIED_ERROR:
                            report.notes.setdefault(student, []).append(
                                f"cell {number} killed the kernel")
                        elif output.get("ename") == KERNEL_STUCK_ERROR:
                            report.notes.setdefault(student, []).append(
                                f"cell {number} ignored the interrupt (kernel replaced)")
        print(f"{name}: autograded {len(students)} submissions in {report.seconds:.0f} s "
              f"({report.seconds / len(students):.1f} s each)")
        for student, problems in report.flags.items():
            print(f"  flagged {student}: {', '.join(problems)} (restored from the gradebook)")
        for student, notes in report.notes.items():
            print(f"  {student}: {', '.join(notes)}")
        reports[name] = report
    return reports


def _flag_in_gradebook(course: Path, name: str, flags: dict[str, list[str]]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gradebook:
        for student in flags:
            for notebook in gradebook.find_submission(name, student).notebooks:
                notebook.flagged = True
        gradebook.db.commit()


def secret_lines(course: Path, name: str) -> dict[str, set[str]]:
    """Return the hidden-test and solution lines of an assignment that students never see.

    A line counts only when it occurs nowhere else in the source notebook, not even inside a
    longer line (a demo cell may repeat a test's call), and is long enough to say something,
    so that finding one of these in a student file is a real leak. The student release is not
    consulted: it is what gets checked.
    """
    hidden: set[str] = set()
    solution: set[str] = set()
    elsewhere: list[str] = []
    for path in sorted((course / SOURCE / name).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            hidden.update(line.strip() for line in hidden_test_lines(cell.source))
            solution.update(line.strip() for line in solution_lines(cell.source))
            outside = _outside_region(cell.source, BEGIN_SOLUTION, END_SOLUTION)
            elsewhere.append(remove_hidden_tests(outside))
    visible = "\n".join(elsewhere)

    def secret(line: str) -> bool:
        return (len(line) >= SECRET_LINE_MINIMUM and not line.startswith("#")
                and line not in visible)

    return {"hidden test": {line for line in hidden if secret(line)},
            "solution": {line for line in solution if secret(line)}}


def html_text(page: str) -> str:
    """Return the text of an HTML page as a reader sees it (tags removed, entities decoded)."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def leaks(text: str, lines: Iterable[str]) -> list[str]:
    """Return the lines that occur in ``text``."""
    return sorted(line for line in lines if line in text)


def feedback(course: Path, names: Iterable[str] = (),
             check_leaks: bool = True) -> dict[str, list[Path]]:
    """Generate the HTML feedback of every autograded submission, then check it for leaks.

    A hidden test line found in a feedback file raises a GradingError (nothing should be sent
    then): nbgrader_config.py must list tools.grading.HideTestCode for generate_feedback.
    ``check_leaks=False`` leaves that check to the caller (the tests make it themselves).
    """
    written = {}
    for name in chosen_assignments(course, names):
        if not list((course / AUTOGRADED).glob(f"*/{name}")):
            print(f"{name}: nothing autograded yet")
            continue
        run_nbgrader(course, "generate_feedback", name, "--force", log_name=f"feedback-{name}")
        pages = sorted((course / FEEDBACK).glob(f"*/{name}/*.html"))
        hidden = secret_lines(course, name)["hidden test"]
        for page in pages if check_leaks else []:
            found = leaks(html_text(page.read_text(encoding="utf-8")), hidden)
            if found:
                raise GradingError(f"{page} shows hidden tests, for example {found[0]!r}. Do not "
                                   "send it; check c.GenerateFeedback.preprocessors in "
                                   "nbgrader_config.py.")
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
    parser.add_argument("--course", type=Path, default=ROOT,
                        help="course folder (default: this repository)")
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
    course = arguments.course.resolve()
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
