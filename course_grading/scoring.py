"""Scoring: ``nbgrader autograde`` for several assignments in one Python process.

Used by ``commands.autograde`` (``make autograde``) once every submission has been executed in
its sandbox. nbgrader's command line is one new Python per assignment, and starting it (importing
nbgrader, its converters and this course's preprocessors) takes about 1.5 s: most of the scoring
time when an assignment has few submissions, as in one student's course. Here one process runs
nbgrader's own application for each assignment in turn, exactly as ``nbgrader autograde NAME
ARGUMENTS`` would, and prints a marker line before and after each, so that the caller can give
each assignment its own output, log and verdict:

    python -m course_grading.scoring [--wait] NAME [NAME ...] -- ARGUMENTS

With ``--wait`` it imports nbgrader first and then waits, before each assignment, until its
standard input has said ``go NAME`` (that assignment's submissions are all executed) or ``go``
(all of them are). ``Scorer`` starts it that way while the submissions still execute and
releases each assignment as soon as its last submission is executed, so that both the start
and the scoring of every assignment but the last cost no time when a core is free.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
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

    released: set[str] = set()
    everything = not wait

    def wait_for(name: str) -> bool:
        """Read ``go NAME`` and ``go`` lines until ``name`` may be scored; False at the end of
        the input (the grader stopped before releasing it)."""
        nonlocal everything
        while not everything and name not in released:
            words = sys.stdin.readline().split()
            if not words:
                return False
            if words == ["go"]:
                everything = True
            elif len(words) == 2 and words[0] == "go":
                released.add(words[1])
        return True

    for name in names:
        if not wait_for(name):
            return 1  # The grader stopped before scoring.
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
    """The scoring process, started early (``--wait``): ``release`` lets it score one
    assignment, ``finish`` scores the rest and returns the results, ``cancel`` stops it.

    ``with Scorer(course, names, *arguments) as scorer: ...; scored = scorer.finish()``: leaving
    the block without ``finish`` (an error while executing) stops the process. The assignments
    released by then may have been scored (their submissions were all executed), the last one
    perhaps only in part; ``make autograde`` scores them again from the start (``--force``).
    """

    def __init__(self, course: Path, names: list[str], *arguments: str) -> None:
        ensure_tools_on_path()
        self.course, self.names, self.arguments = course, list(names), arguments
        command = [sys.executable, "-m", "course_grading.scoring", "--wait", *self.names, "--",
                   *arguments]
        # A file, not a pipe: nobody reads the output before finish, and a full pipe would
        # stop the scoring of the assignments already released.
        self.output = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.process = subprocess.Popen(command, cwd=course, stdin=subprocess.PIPE,
                                        stdout=self.output, stderr=subprocess.STDOUT,
                                        text=True)

    def release(self, name: str) -> None:
        """Let the process score ``name`` now (every submission of it has been executed)."""
        self._say(f"go {name}")

    def _say(self, line: str, last: bool = False) -> None:
        try:
            self.process.stdin.write(f"{line}\n")
            self.process.stdin.flush()
            if last:
                self.process.stdin.close()
        except (BrokenPipeError, ValueError):  # The process has ended, or stdin is closed.
            pass

    def __enter__(self) -> Scorer:
        return self

    def __exit__(self, *exception: object) -> None:
        self.cancel()

    def cancel(self) -> None:
        """Stop the process if it still runs (idempotent)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdin and not self.process.stdin.closed:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self.output.close()

    def finish(self) -> dict[str, Scored]:
        """Score every assignment; write each one's output to ``.nbgrader/logs/autograde-NAME.log``
        and return the results."""
        self._say("go", last=True)
        self.process.wait()
        self.output.seek(0)
        output = self.output.read()
        self.output.close()
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
