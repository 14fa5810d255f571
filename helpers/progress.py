"""Where a student stands before submitting: the self-check cell at the end of every notebook.

Used by the last cell of every release notebook (01-06), which ``make release`` adds::

    from helpers import progress
    progress.report("01-mnist-data")

``report`` runs the visible test of every exercise again, on the answers the student has run
in this session, and prints one row per exercise: passed or not, the points at stake, and
what is checked only at grading (each test cell's ``# Graded: ...`` comment). Written answers
graded by hand are listed with their points and whether they are still empty. It is not
graded, never raises, never writes to stderr, and does nothing while nbgrader grades.

Where the test cells come from. The tests run against the kernel's own functions (the
answers as the student last ran them), but their code has to be read from the notebook,
because the kernel does not hold it. In order:

1. Google Colab: the notebook open in the browser, asked from Colab's frontend
   (``google.colab._message.blocking_request("get_ipynb")``): Colab keeps notebooks in Google
   Drive, not on the runtime's disk.
2. The notebook file that Jupyter started this kernel for (``__session__``, from Jupyter's
   ``JPY_SESSION_NAME``), or VS Code's ``__vsc_ipynb_file__``.
3. ``<assignment>.ipynb`` in the working folder (Jupyter starts kernels in the notebook's
   folder; so do nbclient and ``jupyter nbconvert``).

The test cells are locked, so every copy holds the same tests: reading the saved file is right
even when the answers changed since the last save. Only the written answers' "still empty"
note reads the saved file (it says so). When no source is found (a runtime this course was not
tried on, such as Kaggle), the report says how to check instead: run each test cell.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASSED_PREFIX = "Passed: "
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
GRADED_COMMENT = "# Graded:"
UNANSWERED = "YOUR ANSWER HERE"
EXERCISE_HEADING = re.compile(
    r"^#{2,4}\s+((?:Exercise|Reflection)\b.*?)\s*\((\d+(?:\.\d+)?) points?(?:,[^)]*)?\)\s*$",
    re.MULTILINE)
DEFAULT_TIMEOUT_SECONDS = 30


@dataclass
class TestResult:
    """One test cell's visible test, run again."""

    grade_id: str
    points: float
    passed: bool
    message: str = ""
    graded_note: str = ""


@dataclass
class Row:
    """One exercise (its test cells) or one written answer graded by hand."""

    title: str
    points: float
    stated_points: float | None = None
    tests: list[TestResult] = field(default_factory=list)
    written: bool = False
    answered: bool = False

    @property
    def earned(self) -> float:
        """Return the points whose visible tests passed."""
        return sum(test.points for test in self.tests if test.passed)

    @property
    def passed(self) -> bool:
        """True when every visible test of the exercise passed."""
        return bool(self.tests) and all(test.passed for test in self.tests)


@dataclass
class Standing:
    """Every row of the report, and where the notebook's tests were read from."""

    assignment: str
    source: str
    rows: list[Row] = field(default_factory=list)
    problem: str = ""


def _is_grading() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _colab_notebook() -> dict | None:
    if "google.colab" not in sys.modules:
        return None
    try:
        from google.colab import _message  # type: ignore[import-not-found]

        answer = _message.blocking_request("get_ipynb", request="", timeout_sec=10)
    except Exception:
        return None
    return answer.get("ipynb") if isinstance(answer, dict) else None


def _candidate_files(assignment: str, namespace: dict[str, Any]) -> Iterator[Path]:
    for key in ("__session__", "__vsc_ipynb_file__"):
        value = namespace.get(key)
        if isinstance(value, str) and value.endswith(".ipynb"):
            yield Path(value)
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        yield Path(session)
    yield Path.cwd() / f"{assignment}.ipynb"


def find_notebook(assignment: str, namespace: dict[str, Any]) -> tuple[dict | None, str]:
    """Return the notebook JSON holding the assignment's tests, and where it was read."""
    live = _colab_notebook()
    if live and _test_cells(live):
        return live, "the notebook open in Colab"
    for path in _candidate_files(assignment, namespace):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if _test_cells(notebook):
            return notebook, f"the saved notebook {path.name}"
    return None, ""


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _test_cells(notebook: dict) -> list[dict]:
    return [cell for cell in notebook.get("cells", [])
            if cell.get("cell_type") == "code" and _nbgrader(cell).get("grade")
            and not _nbgrader(cell).get("solution")]


def visible_part(source: str) -> tuple[str, str]:
    """Return a test cell's visible code and its "# Graded: ..." note (what grading adds)."""
    code = source.split(BEGIN_HIDDEN)[0]
    lines = code.split("\n")
    note_lines: list[str] = []
    for index, line in enumerate(lines):
        if line.strip().startswith(GRADED_COMMENT):
            note_lines = [line.strip()[len(GRADED_COMMENT):].strip()]
            for following in lines[index + 1:]:
                if following.strip().startswith("#") and not following.strip().startswith(
                        "###"):
                    note_lines.append(following.strip().lstrip("#").strip())
                else:
                    break
            code = "\n".join(lines[:index])
            break
    return code, " ".join(part for part in note_lines if part)


def rows_of(notebook: dict) -> list[Row]:
    """Return the exercises (with their test cells) and written answers of a notebook."""
    rows: list[Row] = []
    heading: tuple[str, float] | None = None
    current: Row | None = None
    for cell in notebook.get("cells", []):
        grading = _nbgrader(cell)
        text = _text(cell)
        if cell.get("cell_type") == "markdown" and not grading:
            found = EXERCISE_HEADING.search(text)
            if found:
                heading = (found.group(1).rstrip(":. "), float(found.group(2)))
                current = None
            continue
        if not grading.get("grade"):
            continue
        points = float(grading.get("points", 0) or 0)
        grade_id = str(grading.get("grade_id", ""))
        if grading.get("solution"):  # A written answer graded by hand.
            title = heading[0] if heading else grade_id
            rows.append(Row(title=title, points=points,
                            stated_points=heading[1] if heading else None, written=True,
                            answered=text.strip() not in ("", UNANSWERED)))
            current = None
            continue
        if current is None:
            title, stated = heading if heading else (grade_id, None)
            current = Row(title=title, points=0.0, stated_points=stated)
            rows.append(current)
        current.tests.append(TestResult(grade_id=grade_id, points=points, passed=False))
        current.points += points
    return rows


class _TimeoutError(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` where the platform allows it (Unix, main thread)."""
    import threading

    usable = (hasattr(signal, "SIGALRM") and seconds > 0
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    """Capture what the block prints (stdout and stderr, Python and C level) and its warnings."""
    captured = io.StringIO()
    saved_descriptor = None
    try:
        sys.stderr.flush()
        saved_descriptor = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except (OSError, ValueError, AttributeError):
        saved_descriptor = None
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(captured), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield captured
    finally:
        if saved_descriptor is not None:
            with contextlib.suppress(OSError):
                os.dup2(saved_descriptor, 2)
                os.close(saved_descriptor)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().split("\n")[0]
    return text[:300] + ("..." if len(text) > 300 else "")


def _explain(error: BaseException) -> str:
    if isinstance(error, _TimeoutError):
        return "did not finish in time (an endless loop?)"
    if isinstance(error, NotImplementedError):
        return "not answered yet: the function still raises NotImplementedError"
    if isinstance(error, NameError):
        return (f"{_first_line(error)}: run the notebook's cells from the top (your answer "
                "included) before this check")
    if type(error).__name__ == "CheckFailedError":
        return _first_line(error)
    return f"your code raised {type(error).__name__}: {_first_line(error)}"


def run_test(code: str, namespace: dict[str, Any], name: str,
             timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> tuple[bool, str]:
    """Run one visible test in a copy of ``namespace``; return (passed, why not).

    It passes when it runs to its end and prints the "Passed: ..." line, as grading reads it.
    A warning or anything on stderr does not make it fail (grading ignores them too).
    """
    scope = dict(namespace)
    try:
        compiled = compile(code, f"<visible test {name}>", "exec")
    except SyntaxError as error:
        return False, f"the test cell does not compile ({error.msg}); restore it from the release"
    try:
        with _quiet() as printed, _time_limit(timeout_seconds):
            exec(compiled, scope)  # noqa: S102 - the notebook's own visible test.
    except BaseException as error:  # noqa: BLE001 - a self-check must never raise.
        if isinstance(error, KeyboardInterrupt):
            return False, "interrupted"
        return False, _explain(error)
    if not any(line.startswith(PASSED_PREFIX) for line in printed.getvalue().split("\n")):
        return False, "the test ran but did not print its \"Passed\" line"
    return True, ""


def standing(assignment: str, namespace: dict[str, Any] | None = None,
             notebook: dict | None = None,
             timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Standing:
    """Return every exercise's result (see ``report``); ``notebook`` skips looking for it."""
    if namespace is None:
        shell = _shell()
        namespace = shell.user_ns if shell is not None else {}
    source = "the notebook given"
    if notebook is None:
        notebook, source = find_notebook(assignment, namespace)
    result = Standing(assignment=assignment, source=source)
    if notebook is None:
        result.problem = ("This runtime does not show the notebook to its kernel, so the "
                          "self-check cannot read the tests. Run each test cell instead: each "
                          "says \"Passed\" or what it expected.")
        return result
    result.rows = rows_of(notebook)
    cells = {str(_nbgrader(cell).get("grade_id")): cell for cell in _test_cells(notebook)}
    for row in result.rows:
        for test in row.tests:
            code, note = visible_part(_text(cells[test.grade_id]))
            test.graded_note = note
            test.passed, test.message = run_test(code, namespace, test.grade_id,
                                                 timeout_seconds)
    return result


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def format_standing(result: Standing) -> str:
    """Return the report as text: one row per exercise, then the totals."""
    lines = [f"Where you stand in {result.assignment}"]
    if result.problem:
        return "\n".join([*lines, result.problem])
    lines.append(f"(visible tests run again on the answers you ran; tests read from "
                 f"{result.source})")
    lines.append("")
    autograded = earned = written_points = 0.0
    for row in result.rows:
        if row.written:
            written_points += row.points
            state = "answered" if row.answered else "still empty in the saved notebook"
            lines.append(f"  ✎ {_sentence(row.title)} Graded by hand ({_points(row.points)}): "
                         f"{state}.")
            continue
        autograded += row.points
        earned += row.earned
        if row.passed:
            symbol, verdict = "✓", "Passed"
        elif row.earned:
            symbol, verdict = "◐", "Partly passed"
        else:
            symbol, verdict = "✗", "Not passed yet"
        lines.append(f"  {symbol} {_sentence(row.title)} {verdict}: {row.earned:g} of "
                     f"{_points(row.points)}.")
        for test in row.tests:
            if not test.passed:
                label = f"{test.grade_id}: " if len(row.tests) > 1 else ""
                message = test.message[:1].upper() + test.message[1:]
                lines.append(f"      {label}{message}")
        notes = [test.graded_note.rstrip(". ") for test in row.tests if test.graded_note]
        notes = list(dict.fromkeys(notes))
        lines.append("      At grading: " + ("; ".join(notes) if notes else
                                             "the same checks again on new inputs") + ".")
    lines.append("")
    lines.append(f"Visible tests passed: {earned:g} of {_points(autograded)} checked "
                 "automatically. Grading runs the same checks again on new inputs, so a "
                 "function fitted to the visible example can still lose its points.")
    if written_points:
        lines.append(f"Written answers ({_points(written_points)}) are graded by hand.")
    lines.append("Save the notebook (Ctrl+S / Cmd+S) before you download or submit it.")
    return "\n".join(lines)


def report(assignment: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
    """Print where you stand in ``assignment`` (see the module docstring). Never raises."""
    if _is_grading():
        print("The self-check does not run while the notebook is graded.")
        return
    try:
        text = format_standing(standing(assignment, timeout_seconds=timeout_seconds))
    except Exception as error:  # noqa: BLE001 - a self-check must never raise.
        text = (f"The self-check could not run ({type(error).__name__}: {error}). Run each "
                "test cell instead: each says \"Passed\" or what it expected.")
    print(text)
