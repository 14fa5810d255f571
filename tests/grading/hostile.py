"""Hostile, broken and accidental submissions, with the exact scores grading must give them.

For every notebook (``GENERIC``): tricks that answer nothing and must earn nothing (checks
replaced by no-ops, an IPython hook that keeps replacing them, an input transformer that empties
every later cell), a right answer that prints the hidden test calling it (nothing of it may reach
the feedback page), and metadata accidents a student's copy-paste or a careless edit makes
(a renamed test cell, a test cell marked as a solution, an answer cell marked as graded), which
must cost nothing.

For notebook 01 only (``PIPELINE``): what tests the grading pipeline rather than a notebook, so
one cheap notebook is enough: an endless loop, one that ignores interrupts, a kernel that dies, a
syntax error, a test cell edited to ``pass`` or deleted, a renamed function, huge output and
warnings. The two loops cost about a minute of waiting each (timeouts; they sleep, leaving the
CPU free).

The makers build on the notebook's own answers (the function an answer cell defines is found by
parsing it), so they follow the notebooks as they change.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable

import nbformat
from nbformat.notebooknode import NotebookNode

from .corpus import (
    GradedCell,
    MistakeDoesNotApplyError,
    Submission,
    answered,
    exercises,
    expected_scores,
    graded_cells,
    nbgrader_metadata,
    requires,
    solution_cells,
    tests_of,
)

PIPELINE_ASSIGNMENT = "01-mnist-data"
STUB = "raise NotImplementedError()"


def defined_function(source: str) -> str:
    """Return the name of the first function an answer cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise MistakeDoesNotApplyError(f"an answer does not parse: {error}") from error
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            return node.name
    raise MistakeDoesNotApplyError("an answer cell defines no function")


def wrapped(function: str, body: str) -> Callable[[str], str]:
    """Return a change that appends to an answer cell a new ``function`` whose ``body`` may
    call the student's right answer as ``_answer(*args, **kwargs)``."""
    indented = "\n".join(f"    {line}" if line else "" for line in body.strip("\n").split("\n"))
    return lambda text: (f"{text}\n\n\n_answer = {function}\n\n\n"
                         f"def {function}(*args, **kwargs):\n{indented}\n")


def first_answer(source: NotebookNode) -> tuple[str, str]:
    """Return the grade_id and function name of the first autograded exercise."""
    exercise = exercises(source)[0]
    return exercise, defined_function(solution_cells(source)[exercise].source)


def cell_by_id(notebook: NotebookNode, grade_id: str) -> NotebookNode:
    """Return the cell with nbgrader grade_id ``grade_id``."""
    for cell in notebook.cells:
        if nbgrader_metadata(cell).get("grade_id") == grade_id:
            return cell
    raise MistakeDoesNotApplyError(f"no cell {grade_id!r}")


def after_setup(notebook: NotebookNode, code: str) -> None:
    """Insert a code cell right after the setup cell (the one calling settings.setup())."""
    position = next((index for index, cell in enumerate(notebook.cells)
                     if cell.cell_type == "code" and "settings.setup(" in cell.source), None)
    if position is None:
        raise MistakeDoesNotApplyError("no setup cell (settings.setup()) in the notebook")
    notebook.cells.insert(position + 1, nbformat.v4.new_code_cell(code))


def answers_returning_none(release: NotebookNode) -> NotebookNode:
    """Return the release with every stub answering None instead of raising: an empty answer
    that the tests can call without an error."""
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        if nbgrader_metadata(cell).get("solution") and cell.cell_type == "code":
            lines = []
            for line in cell.source.split("\n"):
                if line.strip() == STUB:
                    indent = line[: len(line) - len(line.lstrip())]
                    line = f"{indent}return None" if indent else f"{indent}pass"
                lines.append(line)
            cell.source = "\n".join(lines)
    return notebook


# ---------------------------------------------------------------------------------------------
# Every notebook: tricks that earn nothing
# ---------------------------------------------------------------------------------------------

NO_OP_CHECKS = '''import helpers
import helpers.checks


def do_nothing(*args, **kwargs):
    return None


for name in dir(helpers.checks):
    if not name.startswith("__") and callable(getattr(helpers.checks, name)):
        setattr(helpers.checks, name, do_nothing)
'''


def no_op_checks(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """Answers nothing, and replaces every function of helpers.checks by a no-op."""
    notebook = answers_returning_none(release)
    after_setup(notebook, NO_OP_CHECKS)
    return Submission(student, notebook, "no answers; helpers.checks replaced by no-ops",
                      expected_scores(graded, set()), flags=("module-attribute",),
                      kind="hostile")


PRE_RUN_HOOK = '''import helpers.checks


def quiet(*args, **kwargs):
    return None


def before_every_cell(info):
    for name in dir(helpers.checks):
        if not name.startswith("__") and callable(getattr(helpers.checks, name)):
            setattr(helpers.checks, name, quiet)


get_ipython().events.register("pre_run_cell", before_every_cell)
'''


def pre_run_hook(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """Answers nothing, and registers an IPython hook that disarms the checks before each cell."""
    notebook = answers_returning_none(release)
    after_setup(notebook, PRE_RUN_HOOK)
    return Submission(student, notebook, "no answers; a pre_run_cell hook disarms the checks",
                      expected_scores(graded, set()),
                      flags=("ipython-hook", "module-attribute"), kind="hostile")


EMPTYING_TRANSFORMER = '''def empty_every_cell(lines):
    return []


get_ipython().input_transformers_post.append(empty_every_cell)
'''


def emptying_transformer(student: str, source: NotebookNode, release: NotebookNode,
                         graded: dict[str, GradedCell]) -> Submission:
    """Answers nothing, and adds an input transformer that empties every later cell, tests
    included: a test cell that did not run must score 0."""
    notebook = answers_returning_none(release)
    after_setup(notebook, EMPTYING_TRANSFORMER)
    return Submission(student, notebook, "no answers; every later cell emptied before it runs",
                      expected_scores(graded, set()), flags=("ipython-hook",), kind="hostile")


LEAK_PREFIXES = ("LEAK-PLAIN:", "LEAK-BASE64:", "LEAK-REVERSED:")
LEAK_BODY = '''import base64
import inspect

calling_cell = "".join(inspect.stack()[1].frame.f_globals.get("In", [""])[-1:])
print("LEAK-PLAIN:", calling_cell)
print("LEAK-BASE64:", base64.b64encode(calling_cell.encode()).decode())
print("LEAK-REVERSED:", calling_cell[::-1])
return _answer(*args, **kwargs)
'''


def feedback_leak(student: str, source: NotebookNode, release: NotebookNode,
                  graded: dict[str, GradedCell]) -> Submission:
    """Right answers, but the first exercise's function prints the source of the cell calling
    it (the test cell, hidden tests included) plainly, in base64 and reversed: full marks, and
    none of it may appear on the feedback page."""
    exercise, function = first_answer(source)
    notebook = answered(source, release, {exercise: wrapped(function, LEAK_BODY)})
    return Submission(student, notebook, "prints the hidden test that calls it",
                      expected_scores(graded, None), flags=("introspection",), kind="hostile")


EQUALITY_TRICK = '''

class _AlwaysEqualInt(int):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = int.__hash__


class _AlwaysEqualFloat(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


class _AlwaysEqualTuple(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = tuple.__hash__


class _AlwaysEqualList(list):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


class _AlwaysEqualArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)


def _always_equal(value):
    """Return a wrong value (shifted or reordered) whose == always says equal."""
    if type(value) is int:
        return _AlwaysEqualInt(value + 1)
    if type(value) is float:
        return _AlwaysEqualFloat(value + 1.0)
    if type(value) is tuple:
        return _AlwaysEqualTuple(_always_equal(item) for item in value[::-1])
    if type(value) is list:
        return _AlwaysEqualList(_always_equal(item) for item in value[::-1])
    if type(value) is np.ndarray:
        shifted = value + 1 if value.dtype.kind in "iuf" else value
        return np.asarray(shifted).view(_AlwaysEqualArray)
    return value
'''
TRICK_TYPES = {"int", "float", "tuple", "list", "np.ndarray", "numpy.ndarray"}


def returns_trickable(source: str) -> bool:
    """True when an answer's function is annotated to return a plain value the equality trick
    can imitate (int, float, tuple, list or a NumPy array)."""
    tree = ast.parse(without_markers(source))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.returns is not None:
            annotation = ast.unparse(node.returns)
            return annotation.split("[")[0] in TRICK_TYPES
    return False


def without_markers(source: str) -> str:
    from course_grading.markers import without_solution_markers

    return without_solution_markers(source)


def ignores_returned_values(test_source: str, function: str) -> bool:
    """True for a test cell that never looks at a value ``function`` returns: it only passes the
    function to ``checks.raises`` (grading the errors it raises) or calls it as a statement whose
    result is dropped (to check that the inputs are left unchanged). The equality trick changes
    nothing such a cell sees, so the cell keeps its points."""
    tree = ast.parse(test_source)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == function):
            allowed.add(id(node.value.func))
        if (isinstance(node, ast.Call) and ast.unparse(node.func) == "checks.raises"
                and len(node.args) > 1 and isinstance(node.args[1], ast.Name)):
            allowed.add(id(node.args[1]))
    uses = [node for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == function]
    return bool(uses) and all(id(node) in allowed for node in uses)


def with_equality_trick(change: Callable[[str], str]) -> Callable[[str], str]:
    """Return ``change`` followed by the definitions of the always-equal classes."""
    return lambda text: change(text) + EQUALITY_TRICK


def equality_trick(student: str, source: NotebookNode, release: NotebookNode,
                   graded: dict[str, GradedCell]) -> Submission:
    """Every answer returning a plain value returns a wrong one dressed up as right: a subclass
    (of int, float, tuple, list or ndarray) whose == always says equal (nbgrader#1379). The
    checks compare exact types before values and never call the answer's own __eq__: those
    exercises score 0, the others keep their points."""
    answers = solution_cells(source)
    changes = {}
    tricked = set()
    for exercise in exercises(source):
        if not returns_trickable(answers[exercise].source):
            continue
        function = defined_function(answers[exercise].source)
        body = "return _always_equal(_answer(*args, **kwargs))"
        changes[exercise] = with_equality_trick(wrapped(function, body))
        tricked.add(exercise)
    if not tricked:
        raise MistakeDoesNotApplyError("no exercise returns a plain value for the equality trick")
    notebook = answered(source, release, changes)
    test_sources = {nbgrader_metadata(cell).get("grade_id"): cell.source for cell in source.cells}
    lost = {grade_id for exercise in tricked for grade_id in tests_of(graded, exercise)
            if not ignores_returned_values(test_sources[grade_id],
                                           defined_function(answers[exercise].source))}
    for exercise, cell in answers.items():
        lost |= {grade_id for grade_id, graded_cell in graded.items()
                 if graded_cell.exercise == exercise and set(requires(cell)) & tricked}
    return Submission(student, notebook, "wrong answers whose == always says equal",
                      expected_scores(graded, None, lost), flags=("comparison-override",),
                      kind="hostile")


# ---------------------------------------------------------------------------------------------
# Every notebook: accidents that cost nothing
# ---------------------------------------------------------------------------------------------


def first_test_cell(graded: dict[str, GradedCell]) -> str:
    return next(grade_id for grade_id, cell in graded.items() if cell.automatic)


def renamed_test_cell(student: str, source: NotebookNode, release: NotebookNode,
                      graded: dict[str, GradedCell]) -> Submission:
    """Right answers; one test cell's grade_id was changed (a copy-paste or an edit of the cell
    metadata). Grading repairs it from the gradebook: full marks."""
    notebook = answered(source, release)
    test_id = first_test_cell(graded)
    nbgrader_metadata(cell_by_id(notebook, test_id))["grade_id"] = f"{test_id}-copy1"
    return Submission(student, notebook, "a test cell's grade_id renamed",
                      expected_scores(graded, None), repairs=(test_id,), kind="accident")


def test_marked_as_solution(student: str, source: NotebookNode, release: NotebookNode,
                            graded: dict[str, GradedCell]) -> Submission:
    """Right answers; one test cell was marked as an answer ("solution") cell in the
    metadata. Grading repairs it from the gradebook: full marks."""
    notebook = answered(source, release)
    test_id = first_test_cell(graded)
    nbgrader_metadata(cell_by_id(notebook, test_id))["solution"] = True
    return Submission(student, notebook, "a test cell marked as a solution cell",
                      expected_scores(graded, None), repairs=(test_id,), kind="accident")


def answer_marked_as_graded(student: str, source: NotebookNode, release: NotebookNode,
                            graded: dict[str, GradedCell]) -> Submission:
    """Right answers; one answer cell was marked as graded, with points. Grading repairs it
    from the gradebook: full marks, and no extra graded cell."""
    notebook = answered(source, release)
    exercise, _ = first_answer(source)
    metadata = nbgrader_metadata(cell_by_id(notebook, exercise))
    metadata.update(grade=True, points=1)
    return Submission(student, notebook, "an answer cell marked as graded",
                      expected_scores(graded, None), repairs=(exercise,), kind="accident")


# ---------------------------------------------------------------------------------------------
# Notebook 01: the grading pipeline's own cases
# ---------------------------------------------------------------------------------------------


def last_answer(source: NotebookNode) -> tuple[str, str]:
    exercise = exercises(source)[-1]
    return exercise, defined_function(solution_cells(source)[exercise].source)


def endless_loop(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """An answer that never returns: the timeout interrupts it, that exercise scores 0.

    The loop sleeps, so that the seconds it waits leave the shared CPU to other work."""
    exercise, function = last_answer(source)
    body = ("import time\n\nwhile True:  # The student meant to count down and forgot to.\n"
            "    time.sleep(0.05)\nreturn _answer(*args, **kwargs)")
    notebook = answered(source, release, {exercise: wrapped(function, body)})
    return Submission(student, notebook, "an endless loop in one answer",
                      expected_scores(graded, None, set(tests_of(graded, exercise))),
                      kind="pipeline")


def uninterruptible_loop(student: str, source: NotebookNode, release: NotebookNode,
                         graded: dict[str, GradedCell]) -> Submission:
    """An answer that neither returns nor stops when interrupted (as a long call inside
    compiled code may): the kernel is replaced, that exercise scores 0."""
    exercise, function = last_answer(source)
    body = ("import signal\nimport time\n\n"
            "signal.signal(signal.SIGINT, signal.SIG_IGN)  # Interrupts are ignored from now on.\n"
            "while True:\n    time.sleep(0.05)\nreturn _answer(*args, **kwargs)")
    notebook = answered(source, release, {exercise: wrapped(function, body)})
    return Submission(student, notebook, "an endless loop that ignores interrupts",
                      expected_scores(graded, None, set(tests_of(graded, exercise))),
                      flags=("process",), kind="pipeline")


def kernel_killer(student: str, source: NotebookNode, release: NotebookNode,
                  graded: dict[str, GradedCell]) -> Submission:
    """The second exercise's answer kills the Python kernel: the cells after it run in a fresh,
    empty kernel (no imports, no data), so every later test fails; earlier points are kept."""
    order = exercises(source)
    exercise = order[1]
    function = defined_function(solution_cells(source)[exercise].source)
    body = "import os\n\nos._exit(1)  # Ends the kernel's process at once."
    notebook = answered(source, release, {exercise: wrapped(function, body)})
    lost = {grade_id for later in order[1:] for grade_id in tests_of(graded, later)}
    return Submission(student, notebook, "an answer that kills the kernel",
                      expected_scores(graded, None, lost), flags=("process",), kind="pipeline")


def syntax_error(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """An answer that does not parse: its function is never defined."""
    exercise, _ = last_answer(source)
    notebook = answered(source, release, {exercise: lambda text: text + "\n\nreturn (1, 2\n"})
    return Submission(student, notebook, "a syntax error in one answer",
                      expected_scores(graded, None, set(tests_of(graded, exercise))),
                      kind="pipeline")


def edited_test(student: str, source: NotebookNode, release: NotebookNode,
                graded: dict[str, GradedCell]) -> Submission:
    """A wrong answer (None) whose visible test cell was replaced by ``pass``: the test is
    restored from the gradebook and fails."""
    exercise, function = first_answer(source)
    notebook = answered(source, release, {exercise: wrapped(function, "return None")})
    test_id = tests_of(graded, exercise)[0]
    cell_by_id(notebook, test_id).source = "pass"
    return Submission(student, notebook, "a test cell edited to pass",
                      expected_scores(graded, None, set(tests_of(graded, exercise))),
                      flags=(f"{test_id} edited",), kind="pipeline")


def deleted_test(student: str, source: NotebookNode, release: NotebookNode,
                 graded: dict[str, GradedCell]) -> Submission:
    """A wrong answer (None) whose test cell was deleted: nbgrader adds it back and runs it."""
    exercise, function = last_answer(source)
    notebook = answered(source, release, {exercise: wrapped(function, "return None")})
    test_id = tests_of(graded, exercise)[0]
    notebook.cells.remove(cell_by_id(notebook, test_id))
    return Submission(student, notebook, "a test cell deleted",
                      expected_scores(graded, None, set(tests_of(graded, exercise))),
                      flags=(f"{test_id} deleted",), kind="pipeline")


def renamed_function(student: str, source: NotebookNode, release: NotebookNode,
                     graded: dict[str, GradedCell]) -> Submission:
    """A right answer under another name: the tests cannot find the function."""
    exercise, function = first_answer(source)
    notebook = answered(source, release, {exercise: lambda text: text.replace(
        f"def {function}(", f"def {function}_renamed(", 1)})
    return Submission(student, notebook, "a renamed function",
                      expected_scores(graded, None, set(tests_of(graded, exercise))),
                      kind="pipeline")


def huge_output(student: str, source: NotebookNode, release: NotebookNode,
                graded: dict[str, GradedCell]) -> Submission:
    """A right answer that prints a line per call, and a cell printing 20 MB on one line:
    full marks, and the output is cut so that neither the autograded notebook nor the feedback
    page grows to tens of megabytes."""
    exercise, function = first_answer(source)
    body = ("for line in range(2_000):  # Debugging output left in.\n    print(line)\n"
            "return _answer(*args, **kwargs)")
    notebook = answered(source, release, {exercise: wrapped(function, body)})
    notebook.cells.append(nbformat.v4.new_code_cell('print("x" * 20_000_000)'))
    return Submission(student, notebook, "huge printed output", expected_scores(graded, None),
                      kind="pipeline")


WARNING_TEXT = "Mean of empty slice (a warning from the student's code)"
TENSORFLOW_LOG_LINE = "I0000 00:00:1700000000.000000 1 cpu_feature_guard.cc:210] oneDNN note"


def warnings_everywhere(student: str, source: NotebookNode, release: NotebookNode,
                        graded: dict[str, GradedCell]) -> Submission:
    """A right answer that warns inside a test cell, after a cell that writes a
    TensorFlow-style log line and warnings to stderr: no point may be lost."""
    exercise, function = first_answer(source)
    body = (f"import warnings\n\nwarnings.warn({WARNING_TEXT!r}, RuntimeWarning, stacklevel=1)\n"
            "return _answer(*args, **kwargs)")
    notebook = answered(source, release, {exercise: wrapped(function, body)})
    # A log line written to file descriptor 2 (as TensorFlow's C++ code does) and one written
    # to sys.stderr (as Python loggers do), then warnings outside any test.
    after_setup(notebook,
                "import os\nimport sys\nimport warnings\n\n"
                f"os.write(2, b{TENSORFLOW_LOG_LINE + chr(10)!r})\n"
                f"print({TENSORFLOW_LOG_LINE!r}, file=sys.stderr)\n"
                'warnings.warn("a warning outside any test", UserWarning, stacklevel=1)\n'
                'warnings.warn("another warning outside any test", RuntimeWarning, stacklevel=1)')
    return Submission(student, notebook, "warnings and log lines on stderr",
                      expected_scores(graded, None), kind="pipeline")


Maker = Callable[[str, NotebookNode, NotebookNode, dict[str, GradedCell]], Submission]
GENERIC: dict[str, Maker] = {
    "hostile-no-op-checks": no_op_checks,
    "hostile-pre-run-hook": pre_run_hook,
    "hostile-emptying-transformer": emptying_transformer,
    "hostile-feedback-leak": feedback_leak,
    "hostile-equality-trick": equality_trick,
    "accident-renamed-test-cell": renamed_test_cell,
    "accident-test-marked-solution": test_marked_as_solution,
    "accident-answer-marked-graded": answer_marked_as_graded,
}
PIPELINE: dict[str, Maker] = {
    "pipeline-endless-loop": endless_loop,
    "pipeline-uninterruptible-loop": uninterruptible_loop,
    "pipeline-kernel-killer": kernel_killer,
    "pipeline-syntax-error": syntax_error,
    "pipeline-edited-test": edited_test,
    "pipeline-deleted-test": deleted_test,
    "pipeline-renamed-function": renamed_function,
    "pipeline-huge-output": huge_output,
    "pipeline-warnings": warnings_everywhere,
}


def kinds_for(assignment: str) -> dict[str, Maker]:
    """Return the hostile and accidental submissions built for one assignment."""
    from .sandbox_cases import READS_SOLUTION, SANDBOX, SANDBOX_ASSIGNMENT

    kinds = dict(GENERIC)
    kinds.update(READS_SOLUTION)
    if assignment == PIPELINE_ASSIGNMENT:
        kinds.update(PIPELINE)
    if assignment == SANDBOX_ASSIGNMENT:
        kinds.update(SANDBOX)
    return kinds


__all__ = ["GENERIC", "PIPELINE", "PIPELINE_ASSIGNMENT", "kinds_for", "graded_cells"]
