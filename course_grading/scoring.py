"""Scoring: ``nbgrader autograde`` for several assignments in one Python process.

Used by ``commands.autograde`` (``make autograde``) once every submission has been executed in
its sandbox. nbgrader's command line is one new Python per assignment, and starting it (importing
nbgrader, its converters and this course's preprocessors) takes about 1.5 s: most of the scoring
time when an assignment has few submissions, as in one student's course. Here one process runs
nbgrader's own application for each assignment in turn, exactly as ``nbgrader autograde NAME
ARGUMENTS`` would, and prints a marker line before and after each, so that the caller can give
each assignment its own output, log and verdict:

    python -m course_grading.scoring [--wait] NAME [NAME ...] -- ARGUMENTS

With ``--wait`` it imports nbgrader first and then waits for a line ``go`` on its standard input:
``Scorer`` starts it that way while the submissions still execute, so that the start costs no
time when a core is free.
"""

from __future__ import annotations

import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from course_grading.course import LOG_DIR, ensure_tools_on_path

MARK = "=== course_grading.scoring:"
ERROR_LINE = "There was an error processing assignment"


@dataclass
class Scored:
    """What scoring one assignment gave: its output, exit code and seconds."""

    name: str
    output: str = ""
    exit_code: int | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """True when nbgrader failed or reported an error, or the assignment never ended."""
        return self.exit_code != 0 or ERROR_LINE in self.output


def _forget_applications() -> None:
    """Drop nbgrader's application singletons, so that the next assignment starts afresh."""
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.apps.nbgraderapp import NbGraderApp

    for application in (AutogradeApp, NbGraderApp):
        application.clear_instance()


def main(argv: list[str] | None = None) -> int:
    """Run ``nbgrader autograde NAME ARGUMENTS`` for each NAME, one after the other."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    wait = bool(arguments) and arguments[0] == "--wait"
    arguments = arguments[1:] if wait else arguments
    if "--" not in arguments:
        print("usage: python -m course_grading.scoring [--wait] NAME [NAME ...] -- ARGUMENTS",
              file=sys.stderr)
        return 2
    split = arguments.index("--")
    names, extra = arguments[:split], arguments[split + 1:]
    # What scoring needs, imported before waiting: nbgrader's autograde and the course's own
    # preprocessors, which nbgrader_config.py names.
    import nbgrader.converters.autograde  # noqa: F401
    from nbgrader.apps.autogradeapp import AutogradeApp  # noqa: F401
    from nbgrader.apps.nbgraderapp import NbGraderApp

    import course_grading.preprocessors  # noqa: F401
    import course_grading.repair  # noqa: F401

    if wait and sys.stdin.readline().strip() != "go":
        return 1  # The grader stopped before scoring.

    for name in names:
        print(f"{MARK} begin {name}", flush=True)
        started = time.perf_counter()
        exit_code = 0
        try:
            NbGraderApp.launch_instance(argv=["autograde", name, *extra])
        except SystemExit as stop:
            exit_code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None
                                                                      else 1)
        except Exception:  # noqa: BLE001 (reported to the caller, then the next assignment)
            traceback.print_exc()
            exit_code = 1
        finally:
            _forget_applications()
            sys.stdout.flush()
            sys.stderr.flush()
        print(f"{MARK} end {name} {exit_code} {time.perf_counter() - started:.3f}", flush=True)
    return 0


def split_output(names: list[str], output: str) -> dict[str, Scored]:
    """Return each assignment's part of the driver's output (see ``main``)."""
    results = {name: Scored(name) for name in names}
    current: Scored | None = None
    lines: list[str] = []
    for line in output.splitlines(keepends=True):
        if line.startswith(f"{MARK} begin "):
            current, lines = results.get(line.split()[-1]), []
        elif line.startswith(f"{MARK} end ") and current is not None:
            _, exit_code, seconds = line.rsplit(maxsplit=2)
            current.output, current.exit_code = "".join(lines), int(exit_code)
            current.seconds = float(seconds)
            current = None
        elif current is not None:
            lines.append(line)
    if current is not None:  # The process died inside this assignment.
        current.output = "".join(lines)
    return results


class Scorer:
    """The scoring process, started early (``--wait``): ``finish`` scores, ``cancel`` stops it.

    ``with Scorer(course, names, *arguments) as scorer: ...; scored = scorer.finish()``: leaving
    the block without ``finish`` (an error while executing) stops the process unused.
    """

    def __init__(self, course: Path, names: list[str], *arguments: str) -> None:
        ensure_tools_on_path()
        self.course, self.names, self.arguments = course, list(names), arguments
        command = [sys.executable, "-m", "course_grading.scoring", "--wait", *self.names, "--",
                   *arguments]
        self.process = subprocess.Popen(command, cwd=course, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)

    def __enter__(self) -> Scorer:
        return self

    def __exit__(self, *exception: object) -> None:
        self.cancel()

    def cancel(self) -> None:
        """Stop the process if it still runs (idempotent)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def finish(self) -> dict[str, Scored]:
        """Score every assignment; write each one's output to ``.nbgrader/logs/autograde-NAME.log``
        and return the results."""
        try:
            output, _ = self.process.communicate("go\n")
        except BrokenPipeError:  # The process ended before it was told to go.
            output = self.process.stdout.read() if self.process.stdout else ""
            self.process.wait()
        scored = split_output(self.names, output)
        for name, item in scored.items():
            if item.exit_code is None:
                item.output += (f"\nscoring stopped before {name} ended (exit code "
                                f"{self.process.returncode}); the whole output ends with:\n"
                                + "\n".join(output.splitlines()[-25:]))
            log = self.course / LOG_DIR / f"autograde-{name}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(f"$ nbgrader autograde {name} {' '.join(self.arguments)}\n"
                           f"{item.output}", encoding="utf-8")
        return scored


def autograde(course: Path, names: list[str], *arguments: str) -> dict[str, Scored]:
    """Score ``names`` in one process now (``nbgrader autograde NAME ARGUMENTS`` each); see
    ``Scorer.finish``."""
    with Scorer(course, names, *arguments) as scorer:
        return scorer.finish()


if __name__ == "__main__":
    sys.exit(main())
