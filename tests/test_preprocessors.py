"""Each of the course's nbgrader preprocessors on a tiny notebook (as nbgrader tests its own).

RecoveringExecute runs real kernels in the sandbox (a few seconds each, no TensorFlow); the
others need no kernel. tests/test_grading.py runs them all on the real notebooks.
"""

from __future__ import annotations

import os

import nbformat
import pytest
from traitlets.config import Config

from course_grading import integrity, preprocessors, sandbox

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def code_cell(source: str, grade_id: str | None = None, points: float = 1) -> nbformat.NotebookNode:
    """Return a code cell; with ``grade_id``, an autograded test cell worth ``points``."""
    cell = nbformat.v4.new_code_cell(source)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                     "grade_id": grade_id, "points": points,
                                     "schema_version": 3}
    return cell


def stream(text: str, name: str = "stdout") -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name=name, text=text)


def notebook_of(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


def total_characters(cell: nbformat.NotebookNode) -> int:
    return sum(preprocessors.output_characters(output) for output in cell.outputs)


# ---------------------------------------------------------------------------------------------
# LimitOutputSize and the output limits
# ---------------------------------------------------------------------------------------------


def limit(notebook: nbformat.NotebookNode, **settings: int) -> nbformat.NotebookNode:
    config = Config({"OutputLimits": settings})
    return preprocessors.LimitOutputSize(config=config).preprocess(notebook, {})[0]


def test_many_small_writes_are_cut_like_one_big_one() -> None:
    """A thousand separate 10 kB writes count as one text: cut to 20,000 characters, as one
    write of 10 MB is; the beginning, the end and the "Passed:" line in between are kept."""
    many = code_cell("loop()")
    many.outputs = [stream(f"{number:05d}" + "x" * 10_000 + "\n") for number in range(500)]
    many.outputs.insert(250, stream("Passed: the visible test\n"))
    many.outputs += [stream(f"{number:05d}" + "x" * 10_000 + "\n") for number in range(500)]
    one = code_cell("print()")
    one.outputs = [stream("y" * 10_000_000)]
    notebook = limit(notebook_of(many, one))
    for cell in notebook.cells:
        assert len(cell.outputs) == 1
        assert total_characters(cell) < 21_000
        assert "Output truncated" in cell.outputs[0].text
    text = notebook.cells[0].outputs[0].text
    assert text.startswith("00000") and text.rstrip().endswith("x")
    assert "\nPassed: the visible test\n" in text
    assert preprocessors.visible_test_passed(notebook.cells[0])


def test_a_value_shown_is_cut_at_the_same_limit_as_printed_text() -> None:
    """text/plain was kept up to 1,000,000 characters while printing was cut at 20,000."""
    cell = code_cell("'x' * 10**6")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "x" * 500_000},
                                           execution_count=1)]
    notebook = limit(notebook_of(cell))
    assert 20_000 < total_characters(notebook.cells[0]) < 21_000


def test_many_displays_are_cut_per_cell_and_per_notebook() -> None:
    """Twelve 900 kB displays in a cell keep one (the cell's limit, 1,000,000 characters); a
    thousand small ones keep 200 (the count limit); cells past the notebook's limit keep a
    note only; error outputs are always kept."""
    html = {"text/html": "<b>x</b>" * 112_500, "text/plain": "<HTML object>"}
    big = code_cell("show()")
    big.outputs = [nbformat.v4.new_output("display_data", data=dict(html)) for _ in range(12)]
    small = code_cell("show_many()")
    small.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": str(number)})
                     for number in range(1000)]
    failing = code_cell("fail()")
    failing.outputs = [nbformat.v4.new_output("display_data", data=dict(html)) for _ in range(12)]
    failing.outputs.append(nbformat.v4.new_output("error", ename="CheckFailedError",
                                                  evalue="expected 1, found 2", traceback=[]))
    notebook = limit(notebook_of(big, small, failing), notebook_characters=1_500_000)
    big, small, failing = notebook.cells
    assert total_characters(big) <= 1_000_000
    assert sum("text/html" in output.get("data", {}) for output in big.outputs) == 1
    assert "not kept" in big.outputs[-1].text
    assert len(small.outputs) == 201 and "not kept" in small.outputs[-1].text
    assert [output.output_type for output in failing.outputs][-2:] == ["error", "stream"]
    assert not any("text/html" in output.get("data", {}) for output in failing.outputs)


def test_cut_text_keeps_short_text_as_it_is() -> None:
    assert preprocessors.cut_text("short\ntext\n", 20, 5) == "short\ntext\n"
    cut = preprocessors.cut_text("\n".join(str(line) for line in range(100)), 10_000, 10)
    assert cut.startswith("0\n1\n") and cut.endswith("99") and "truncated" in cut


# ---------------------------------------------------------------------------------------------
# StderrIsNotAFailure and HideTestCode
# ---------------------------------------------------------------------------------------------


def test_stderr_of_a_test_cell_becomes_stdout_with_a_note() -> None:
    test = code_cell("check()", "test-a")
    test.outputs = [stream("a warning\n", "stderr")]
    other = code_cell("print()")
    other.outputs = [stream("a warning\n", "stderr")]
    notebook = preprocessors.StderrIsNotAFailure().preprocess(notebook_of(test, other), {})[0]
    assert notebook.cells[0].outputs[0].name == "stdout"
    assert notebook.cells[0].outputs[0].text.endswith("a warning\n")
    assert notebook.cells[1].outputs[0].name == "stderr"


def test_feedback_keeps_the_visible_test_and_one_verdict() -> None:
    test = code_cell("visible()\n### BEGIN HIDDEN TESTS\nhidden()\n### END HIDDEN TESTS", "test-a")
    test.outputs = [stream("Passed: visible\nsecret printed\n"),
                    nbformat.v4.new_output("error", ename="CheckFailedError",
                                           evalue="f(3): expected 9, but found 6.",
                                           traceback=["/home/teacher/helpers/checks.py"])]
    other = code_cell("print('hi')")
    other.outputs = [stream("hi\n")]
    notebook = preprocessors.HideTestCode().preprocess(notebook_of(test, other), {})[0]
    test, other = notebook.cells
    assert test.source == "visible()"
    assert [output.text for output in test.outputs] == [
        "✗ Failed: the visible test passed, but the same checks on new inputs did not. "
        "f(3): expected 9, but found 6.\n"]
    assert other.outputs == []


# ---------------------------------------------------------------------------------------------
# RecoveringExecute: real kernels, in the sandbox
# ---------------------------------------------------------------------------------------------

needs_sandbox = pytest.mark.skipif(
    bool(sandbox.sandbox_problem()) and not os.environ.get("CI"),
    reason=f"no sandbox on this machine: {sandbox.sandbox_problem()}")


def execute(notebook: nbformat.NotebookNode, **settings: object) -> tuple:
    config = Config({"RecoveringExecute": {"timeout": 10, "responsive_seconds": 3, **settings}})
    executor = preprocessors.RecoveringExecute(config=config)
    executed, _ = executor.preprocess(notebook, {"metadata": {"path": os.getcwd()}})
    return executed, executor


def errors_of(cell: nbformat.NotebookNode) -> list[str]:
    return [output.ename for output in cell.outputs if output.output_type == "error"]


@needs_sandbox
def test_a_dying_kernel_is_replaced_at_most_max_kernel_restarts_times() -> None:
    """With max_kernel_restarts=2, the first three deaths are recorded, two fresh kernels run
    the cells after the first two, and the cells after the third are not run (the count used
    to allow one replacement more than configured)."""
    die = "import os\nos._exit(1)"
    notebook = notebook_of(code_cell("value = 1"), code_cell(die), code_cell(die),
                           code_cell(die), code_cell("print('after')"))
    executed, executor = execute(notebook, max_kernel_restarts=2)
    names = [errors_of(cell) for cell in executed.cells]
    assert names == [[], [preprocessors.KERNEL_DIED_ERROR], [preprocessors.KERNEL_DIED_ERROR],
                     [preprocessors.KERNEL_DIED_ERROR], [preprocessors.NOT_RUN_ERROR]]
    assert executor.timings["restarts"] == 2
    assert executor.km is None  # nbclient cleaned up the last kernel


@needs_sandbox
def test_outputs_are_limited_while_they_arrive_and_the_test_proof_survives() -> None:
    """A test cell that floods 5 MB in small writes and 1000 displays keeps within the limits
    while executing (before LimitOutputSize), and its run proof (printed last) is still found:
    the test keeps its point."""
    flood = ("import sys\nfrom IPython.display import display\n"
             "for number in range(500):\n    sys.stdout.write('x' * 10_000 + '\\n')\n"
             "    sys.stdout.flush()\n"
             "for number in range(1000):\n    display(number)\n"
             "print('Passed: flooded')")
    notebook = notebook_of(code_cell(flood, "test-flood"))
    executed, executor = execute(notebook, timeout=60)
    cell = executed.cells[0]
    assert not errors_of(cell), cell.outputs[-3:]
    assert total_characters(cell) < 2 * 1_000_000
    assert len(cell.outputs) <= 2 * 200 + 2
    assert preprocessors.visible_test_passed(cell)
    assert integrity.PROOF_PREFIX not in str(cell.outputs)


@needs_sandbox
def test_the_notebook_time_limit_stops_the_remaining_cells() -> None:
    notebook = notebook_of(code_cell("import time\ntime.sleep(2)"), code_cell("print(1)"))
    executed, _ = execute(notebook, notebook_seconds=1)
    assert errors_of(executed.cells[1]) == [preprocessors.NOT_RUN_ERROR]


def test_replay_takes_the_outputs_of_the_executed_copy(tmp_path) -> None:  # noqa: ANN001
    """The replaying RecoveringExecute copies outputs cell by cell, and refuses an executed
    copy whose cells differ from those being graded."""
    executed = notebook_of(code_cell("print(1)"), code_cell("check()", "test-a"))
    executed.cells[0].outputs = [stream("1\n")]
    executed.cells[1].outputs = [nbformat.v4.new_output("error", ename="E", evalue="",
                                                        traceback=[])]
    path = preprocessors.executed_path(tmp_path, "a1", "alice", "a1")
    path.parent.mkdir(parents=True)
    nbformat.write(executed, path)
    resources = {"nbgrader": {"assignment": "a1", "student": "alice", "notebook": "a1"}}
    config = Config({"RecoveringExecute": {"replay_from": str(tmp_path)}})
    fresh = notebook_of(code_cell("print(1)"), code_cell("check()", "test-a"))
    replayed, _ = preprocessors.RecoveringExecute(config=config).preprocess(fresh, resources)
    assert [cell.outputs for cell in replayed.cells] == [cell.outputs for cell in executed.cells]
    changed = notebook_of(code_cell("print(2)"), code_cell("check()", "test-a"))
    with pytest.raises(preprocessors.ReplayMismatchError, match="does not hold the cells"):
        preprocessors.RecoveringExecute(config=config).preprocess(changed, resources)
