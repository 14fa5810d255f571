"""The nbgrader preprocessors that nbgrader_config.py plugs into autograde and feedback.

* ``RecoveringExecute``: a kernel that dies or ignores the interrupt does not spoil the grading.
* ``LimitOutputSize``: huge outputs are cut.
* ``StderrIsNotAFailure``: a warning in a test cell costs no points.
* ``HideTestCode``: feedback shows no hidden test and no test code in tracebacks.
"""

from __future__ import annotations

import re
from typing import Any

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import Execute, LimitOutput, NbGraderPreprocessor
from traitlets import Integer, Unicode

from course_grading import integrity
from course_grading.markers import remove_hidden_tests

# The error names of a cell that ran past c.Execute.timeout (nbgrader's), and of one whose
# kernel died or ignored the interrupt (RecoveringExecute's).
TIMEOUT_ERROR = "CellTimeoutError"
KERNEL_DIED_ERROR = "DeadKernelError"
KERNEL_STUCK_ERROR = "KernelNotResponding"




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
        """Execute the notebook, counting kernel restarts from zero, with a proof that each
        test cell ran to its end (course_grading.integrity)."""
        self._kernel_restarts = 0
        proofs = integrity.add_run_proofs(nb)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            integrity.verify_run_proofs(nb, proofs)

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


PASSED_PREFIX = "Passed: "  # What helpers.checks.passed prints at the end of a visible test.
CHECK_ERROR = "CheckFailedError"  # The error helpers.checks raises.
# Errors whose message grading itself wrote, safe to show as they are.
GRADING_ERRORS = (TIMEOUT_ERROR, KERNEL_DIED_ERROR, KERNEL_STUCK_ERROR, integrity.NOT_RUN_ERROR,
                  integrity.TAMPERED_ERROR)
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.@+~-]+){2,}[\\/]?")


def without_paths(text: str) -> str:
    """Replace absolute file paths in ``text`` by their last part (``.../checks.py``)."""
    return _PATH.sub(lambda match: ".../" + re.split(r"[\\/]", match.group(0).rstrip("/\\"))[-1],
                     text)


def visible_test_passed(cell: NotebookNode) -> bool:
    """True when a test cell printed the "Passed: ..." line that ends its visible part."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            if any(line.startswith(PASSED_PREFIX) for line in output.get("text", "").split("\n")):
                return True
    return False


def verdict(cell: NotebookNode, limit: int = 600) -> str:
    """Return what a student reads about one autograded test cell: passed or failed, and why.

    Only the course's own words are shown: the check's message (what was checked, expected and
    found), or, for any other error, its type, and its first line when it happened in the
    visible part (which the student can run). Nothing the code printed is shown.
    """
    errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    visible = visible_test_passed(cell)
    if not errors:
        return "✓ Passed: the visible test and the checks on new inputs."
    error = errors[0]
    name, message = error.get("ename", "Error"), str(error.get("evalue", ""))
    message = without_paths(message)
    if len(message) > limit:
        message = message[: limit - 3] + "..."
    if name in GRADING_ERRORS:
        return f"✗ Failed: {message or name}"
    if name == CHECK_ERROR:
        if visible:
            return ("✗ Failed: the visible test passed, but the same checks on new inputs did "
                    f"not. {message}")
        return f"✗ Failed: {message}"
    if visible:
        return (f"✗ Failed: the visible test passed, but your code raised {name} on one of the "
                "new inputs checked at grading. Try your function on other inputs (other sizes, "
                "values, edge cases the text mentions).")
    first_line = message.split("\n")[0][:200]
    return f"✗ Failed: your code raised {name}: {first_line}"


class HideTestCode(NbGraderPreprocessor):
    """Feedback for students: each test cell's verdict and message, and nothing else.

    nbgrader's generate_feedback renders the autograded notebook, whose test cells hold the
    hidden tests again (autograde restores them from the gradebook) and whatever the cells
    printed, tracebacks through the instructor's files included. Here every autograded test
    cell keeps only its visible code and gets one output: passed or failed, with the check's
    message (``verdict``). The outputs of every other code cell are removed: the student has
    them in their own notebook, and they could carry what a submission read while the hidden
    tests ran. Markdown (written answers) and the scores nbgrader adds stay.
    """

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        """Clean one cell."""
        if cell.cell_type != "code":
            return cell, resources
        if nbgrader_utils.is_grade(cell) and not nbgrader_utils.is_solution(cell):
            summary = verdict(cell)
            cell.source = remove_hidden_tests(cell.source)
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=summary + "\n")]
        else:
            cell.outputs = []
        return cell, resources
