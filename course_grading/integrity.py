"""Proof that each test cell really ran to its end, with the course's checks intact.

A student's code runs in the same kernel as the tests, so it can try to disarm them: replace
``helpers.checks`` functions by no-ops, register an IPython hook or an input transformer that
empties every later cell, or install a custom exception handler. No check inside the kernel is
safe by itself; this one is one layer of several (the sandbox, strict checks, the tamper report).

Before execution, ``add_run_proofs`` appends a short statement to every autograded test cell. It
runs only if the cell ran to its end; it verifies that ``helpers.checks`` still holds the code of
its file and that no foreign hook, transformer or exception handler is installed; then it prints a
random token that the student's code has never seen. After execution, ``verify_run_proofs``
removes the statement and the token again and gives the cell an error, so 0 points, when the
token is missing without any other error (the cell was emptied or cut short).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbgrader_utils

PROOF_PREFIX = "COURSE-RUN-PROOF"
NOT_RUN_ERROR = "TestDidNotRun"
NOT_RUN_MESSAGE = ("This test cell did not run to its end, so it scores 0. Code elsewhere in the "
                   "notebook emptied or cut short the cells that run after it (an IPython input "
                   "transformer or hook, for example). Remove that code and submit again.")
TAMPERED_ERROR = "TestTamperedError"

# Runs inside the kernel, at the end of each test cell. Everything it needs is imported here,
# not taken from the notebook's namespace, and it fails closed: any error means no proof.
_VERIFY = '''
def _course_run_proof(token, checks_file):
    import importlib.util
    import sys
    import types

    from IPython import get_ipython

    trusted = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "ipywidgets", "comm",
               "jupyter_client", "traitlets", "tensorflow", "keras", "helpers")

    def foreign(function):
        module = getattr(function, "__module__", None) or type(function).__module__
        return not str(module).startswith(trusted)

    problems = []
    shell = get_ipython()
    for event, callbacks in shell.events.callbacks.items():
        if any(foreign(callback) for callback in callbacks):
            problems.append(f"a function registered for the IPython event {event!r}")
    for name in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
        if any(foreign(transformer) for transformer in getattr(shell, name, [])):
            problems.append(f"an IPython input transformer ({name})")
    if shell.custom_exceptions:
        problems.append("a custom exception handler (set_custom_exc)")
    if foreign(sys.displayhook):
        problems.append("a replaced sys.displayhook")
    live = sys.modules.get("helpers.checks")
    if live is not None:
        specification = importlib.util.spec_from_file_location("_course_fresh_checks", checks_file)
        fresh = importlib.util.module_from_spec(specification)
        specification.loader.exec_module(fresh)
        for name, value in vars(fresh).items():
            if isinstance(value, types.FunctionType):
                current = getattr(live, name, None)
                if type(current) is not types.FunctionType or current.__code__ != value.__code__:
                    problems.append(f"helpers.checks.{name} was replaced")
        package = sys.modules.get("helpers")
        if package is not None and getattr(package, "checks", live) is not live:
            problems.append("helpers.checks was replaced")
        if shell.user_ns.get("checks", live) is not live:
            problems.append("the name `checks` no longer means helpers.checks")
    if problems:
        raise RuntimeError("Grading could not trust this test: the notebook changed how tests "
                           "run (" + "; ".join(sorted(set(problems))) + "). Remove that code "
                           "and submit again.")
    sys.stdout.write("COURSE-RUN-PROOF " + token + "\\n")
    sys.stdout.flush()
'''


@dataclass(frozen=True)
class Proof:
    """What ``add_run_proofs`` changed in one test cell."""

    index: int
    source: str
    line: str


def checks_file() -> str:
    """Return the path of helpers/checks.py, the file the proof compares the live module with."""
    import helpers.checks

    return str(Path(helpers.checks.__file__).resolve())


def is_autograded_test(cell: NotebookNode) -> bool:
    """True for a code cell that nbgrader grades automatically (a test cell)."""
    return (cell.cell_type == "code" and nbgrader_utils.is_grade(cell)
            and not nbgrader_utils.is_solution(cell))


def add_run_proofs(notebook: NotebookNode) -> list[Proof]:
    """Append the proof statement to every autograded test cell; return what was changed."""
    proofs = []
    path = checks_file()
    for index, cell in enumerate(notebook.cells):
        if not is_autograded_test(cell):
            continue
        token = secrets.token_hex(16)
        code = f"{_VERIFY}\n_course_run_proof({token!r}, {path!r})\n"
        statement = f"exec({code!r}, {{'__builtins__': __import__('builtins')}})"
        proofs.append(Proof(index, cell.source, f"{PROOF_PREFIX} {token}"))
        cell.source = f"{cell.source}\n{statement}"
    return proofs


def _error(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


def coalesce_streams(outputs: list[NotebookNode]) -> list[NotebookNode]:
    """Return the outputs with consecutive stream outputs of the same stream joined into one."""
    joined: list[NotebookNode] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous.text = previous.get("text", "") + output.get("text", "")
        else:
            joined.append(output)
    return joined


def verify_run_proofs(notebook: NotebookNode, proofs: list[Proof]) -> list[int]:
    """Restore each test cell's source, remove its proof line, and mark a cell that did not
    prove it ran (no token and no error) with an error. Return the indices of such cells."""
    not_run = []
    for proof in proofs:
        cell = notebook.cells[proof.index]
        cell.source = proof.source
        # The kernel sends what a cell prints in pieces, cut wherever its flush timer fell (in
        # the middle of a line, under load): join consecutive pieces of a stream first.
        cell.outputs = coalesce_streams(cell.get("outputs", []))
        found = False
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and proof.line in output.get("text", ""):
                found = True
                output.text = "".join(line for line in output.text.splitlines(keepends=True)
                                      if line.rstrip("\n") != proof.line)
        cell.outputs = [output for output in cell.get("outputs", [])
                        if not (output.get("output_type") == "stream" and not output.text)]
        failed = any(output.get("output_type") == "error" for output in cell.outputs)
        if not found and not failed:
            cell.outputs.append(_error(NOT_RUN_ERROR, NOT_RUN_MESSAGE))
            not_run.append(proof.index)
    return not_run
