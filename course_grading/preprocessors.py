"""The nbgrader preprocessors that nbgrader_config.py plugs into autograde and feedback.

* ``RecoveringExecute``: runs the notebook in a sandboxed kernel (course_grading.sandbox); a
  kernel that dies or ignores the interrupt does not spoil the grading; outputs are limited
  while they arrive; or, with ``replay_from``, takes the outputs of an execution done
  beforehand (course_grading.execution, for parallel and distributed grading).
* ``LimitOutputSize``: huge outputs are cut (``OutputLimits``: one set of limits for text,
  cells and notebooks, whether printed in one write or in many).
* ``StderrIsNotAFailure``: a warning in a test cell costs no points.
* ``HideTestCode``: feedback shows no hidden test and no test code in tracebacks.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils as nbgrader_utils
from nbgrader.preprocessors import Execute, LimitOutput, NbGraderPreprocessor
from traitlets import Enum, Integer, Unicode
from traitlets.config import Configurable

from course_grading import integrity
from course_grading.markers import remove_hidden_tests

# The error names of a cell that ran past c.Execute.timeout (nbgrader's), of one whose kernel
# died or ignored the interrupt, and of cells not run because the notebook used up its kernels
# or its time (RecoveringExecute's).
TIMEOUT_ERROR = "CellTimeoutError"
KERNEL_DIED_ERROR = "DeadKernelError"
KERNEL_STUCK_ERROR = "KernelNotResponding"
NOT_RUN_ERROR = "CellNotRun"
# Lines that grading reads in a cell's printed output, kept when the output is cut.
GRADING_LINE_PREFIXES = ("Passed: ", integrity.PROOF_PREFIX)


# ---------------------------------------------------------------------------------------------
# Output limits
# ---------------------------------------------------------------------------------------------


class OutputLimits(Configurable):
    """How much output grading keeps (``c.OutputLimits.*``): the same limits whether a cell
    prints once or a thousand times, prints or shows a value, and while the outputs arrive
    (RecoveringExecute) as well as in the autograded notebook (LimitOutputSize)."""

    text_characters = Integer(
        20_000, help="Characters kept of one text: a cell's printed output (all its writes to "
                     "stdout together, and to stderr), a value shown as text, a traceback."
    ).tag(config=True)

    text_lines = Integer(1000, help="Lines kept of one text.").tag(config=True)

    cell_characters = Integer(
        1_000_000, help="Characters kept of all the outputs of one cell (images count their "
                        "base64 text)."
    ).tag(config=True)

    cell_outputs = Integer(200, help="Outputs kept per cell.").tag(config=True)

    notebook_characters = Integer(
        4_000_000, help="Characters kept of all the outputs of one notebook."
    ).tag(config=True)


def output_characters(output: dict) -> int:
    """Return the size of one output in characters (what it adds to the notebook file)."""
    kind = output.get("output_type")
    if kind == "stream":
        return len(output.get("text", ""))
    if kind == "error":
        return (len(str(output.get("evalue", ""))) + len(str(output.get("ename", "")))
                + sum(len(line) for line in output.get("traceback", [])))
    total = 0
    for value in output.get("data", {}).values():
        total += len(value) if isinstance(value, str) else len(json.dumps(value))
    return total


def cut_text(text: str, characters: int, lines: int) -> str:
    """Return ``text`` within ``characters`` and ``lines``: its beginning and its end, a note
    in between, and the grading lines of the middle ("Passed: ..." and run proofs)."""
    line_count = text.count("\n")
    if len(text) <= characters and line_count <= lines:
        return text
    # The beginning: at most half the characters and half the lines.
    head_end = min(characters // 2, len(text))
    position = -1
    for _ in range(max(lines // 2, 1)):
        position = text.find("\n", position + 1)
        if position < 0:
            break
    if 0 <= position < head_end:
        head_end = position + 1
    # The end: as much again, never overlapping the beginning.
    tail_start = max(len(text) - characters // 2, head_end)
    position = len(text)
    for _ in range(max(lines // 2 - 1, 1)):
        position = text.rfind("\n", head_end, position - 1 if position > head_end else head_end)
        if position < 0:
            break
    if position >= 0 and position + 1 > tail_start:
        tail_start = position + 1
    middle = text[head_end:tail_start]
    kept = [line for line in middle.splitlines(keepends=True)
            if line.startswith(GRADING_LINE_PREFIXES)][:20]
    note = (f"\n... Output truncated ({len(text):,} characters, {line_count + 1:,} lines in all; "
            "the beginning and the end are kept) ...\n")
    return (text[:head_end] + note
            + "".join(line if line.endswith("\n") else line + "\n" for line in kept)
            + text[tail_start:])


def _merged_streams(outputs: list) -> list:
    """Return ``outputs`` with consecutive stream outputs of one name joined into one."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous["text"] = previous.get("text", "") + output.get("text", "")
        else:
            merged.append(output)
    return merged


def limit_outputs(outputs: list, limits: OutputLimits,
                  allowance: int | None = None) -> tuple[list, int]:
    """Return a cell's outputs within the limits, and their size in characters.

    Texts are cut (``cut_text``); then outputs are kept in order while they fit in the cell's
    limit and ``allowance`` (what the notebook has left); a display that does not fit keeps
    its text form if that fits. Error outputs are always kept (grading reads them), with their
    tracebacks cut. A note says how much was left out.
    """
    budget = limits.cell_characters if allowance is None else min(limits.cell_characters,
                                                                  allowance)
    kept: list = []
    used = dropped = dropped_characters = 0
    for output in _merged_streams(list(outputs)):
        kind = output.get("output_type")
        if kind == "stream":
            output["text"] = cut_text(output.get("text", ""), limits.text_characters,
                                      limits.text_lines)
        elif kind == "error":
            traceback = "\n".join(output.get("traceback", []))
            if len(traceback) > limits.text_characters:
                output["traceback"] = cut_text(traceback, limits.text_characters,
                                               limits.text_lines).split("\n")
            output["evalue"] = cut_text(str(output.get("evalue", "")),
                                        limits.text_characters, limits.text_lines)
        elif isinstance(output.get("data", {}).get("text/plain"), str):
            output["data"]["text/plain"] = cut_text(output["data"]["text/plain"],
                                                    limits.text_characters, limits.text_lines)
        size = output_characters(output)
        if kind == "error":
            kept.append(output)
            used += size
            continue
        if len(kept) < limits.cell_outputs and used + size <= budget:
            kept.append(output)
            used += size
            continue
        plain = output.get("data", {}).get("text/plain")
        if (isinstance(plain, str) and len(kept) < limits.cell_outputs
                and used + len(plain) <= budget):
            output["data"] = {"text/plain": plain}
            output["metadata"] = {}
            kept.append(output)
            used += len(plain)
            dropped_characters += size - len(plain)
            continue
        dropped += 1
        dropped_characters += size
    if dropped or dropped_characters:
        kept.append(nbformat.v4.new_output(
            "stream", name="stdout",
            text=f"... {dropped:,} outputs and {dropped_characters:,} characters not kept: this "
                 f"cell's outputs passed the limit ({limits.cell_outputs} outputs, "
                 f"{min(budget, limits.cell_characters):,} characters) ...\n"))
    return kept, used


# ---------------------------------------------------------------------------------------------
# Executing (or replaying) a submission
# ---------------------------------------------------------------------------------------------


class RecoveringExecute(Execute):
    """nbgrader's Execute, in a sandbox, where a dead or stuck kernel does not spoil the grading.

    * The kernel runs in the sandbox of course_grading.sandbox (``c.Sandbox.*``); when none can
      start, grading stops with an error saying what to do, unless
      ``c.Sandbox.unsafe_no_sandbox`` is set.
    * A kernel that dies (``os._exit``, a crash, running out of memory): nbgrader would give up
      on the submission, record no grade and make ``nbgrader autograde`` exit with an error.
      Here the cell that killed the kernel gets an error output, a fresh kernel is started and
      the remaining cells run in it, at most ``max_kernel_restarts`` times.
    * A cell that times out and ignores the interrupt (a long call inside compiled code, or
      code that ignores SIGINT): nbgrader would send every following cell to the busy kernel
      and wait the full timeout for each. Here, when the kernel does not answer within
      ``responsive_seconds`` after the interrupt, it is replaced by a fresh one.
    * Outputs are limited while they arrive (``OutputLimits``), so that a flood of small writes
      cannot fill the grader's memory; the whole notebook has ``notebook_seconds``.
    * Each test cell proves that it ran to its end (course_grading.integrity).

    A fresh kernel starts empty, so the cells that need earlier definitions fail: the student
    keeps the points earned before the crash.

    With ``replay_from`` set (course_grading.execution sets it after executing every submission
    in parallel), nothing is executed: the outputs are those of the executed notebook stored
    there, which must hold exactly the same cells.
    """

    iopub_timeout = Integer(
        30, help="Seconds to wait, after a cell finished, for the outputs still on their way "
                 "(nbclient's 4 s fail a right answer that printed a lot)."
    ).tag(config=True)

    shutdown_kernel = Enum(
        ["graceful", "immediate"], default_value="immediate",
        help="How the kernel stops after the last cell. A graded kernel has nothing worth "
             "saving and its sandbox is removed anyway, so it is stopped at once: a graceful "
             "stop waits for TensorFlow's teardown, about a second per notebook (nbclient's "
             "default is 'graceful')."
    ).tag(config=True)

    max_kernel_restarts = Integer(
        3, help="How often one notebook may lose its kernel and get a fresh one; after that, "
                "the remaining cells are not run."
    ).tag(config=True)

    responsive_seconds = Integer(
        10, help="Seconds an interrupted kernel has to answer before it is replaced."
    ).tag(config=True)

    notebook_seconds = Integer(
        900, help="Seconds one notebook may run in all; the cells after that are not run."
    ).tag(config=True)

    replay_from = Unicode(
        "", help="A folder of executed notebooks (<assignment>/<student>/<notebook>.ipynb) whose "
                 "outputs are used instead of executing (set by course_grading's autograde)."
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
        """Execute the notebook in the sandbox, counting kernel restarts from zero, with a
        proof that each test cell ran to its end (course_grading.integrity); or replay it."""
        if self.replay_from:
            return replay(nb, resources, self.replay_from), resources
        from course_grading import sandbox

        settings = sandbox.Sandbox(parent=self)
        settings.check()
        if not settings.unsafe_no_sandbox:
            self.kernel_manager_class = sandbox.SandboxedKernelManager
        self._kernel_restarts = 0
        self._gave_up: str | None = None
        self._started = time.monotonic()
        self._limits = OutputLimits(parent=self)
        self._notebook_characters = 0
        self._cell_characters: dict[int, int] = {}
        # Seconds spent starting kernels (the sandbox included) and running each code cell.
        self.timings: dict[str, Any] = {"kernel_start": 0.0, "cells": [], "restarts": 0}
        proofs = integrity.add_run_proofs(nb)
        try:
            return super().preprocess(nb, resources, km)
        finally:
            integrity.verify_run_proofs(nb, proofs)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        """Execute one cell; replace the kernel when it died or stays stuck."""
        if (self._gave_up is None and self.notebook_seconds > 0
                and time.monotonic() - self._started > self.notebook_seconds):
            self._gave_up = (f"Not run: this notebook ran for more than {self.notebook_seconds} s "
                             "in all.")
        if self._gave_up is not None:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error_output(NOT_RUN_ERROR, self._gave_up)]
            return cell, self.resources
        clock = time.perf_counter()
        try:
            cell, resources = self._timed_cell(cell, resources, index, clock)
        except DeadKernelError:
            self.log.warning("The kernel died in cell %d", index)
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
            self.log.warning("The kernel ignored the interrupt in cell %d", index)
            cell.outputs.append(_error_output(KERNEL_STUCK_ERROR, self.kernel_stuck_message))
            self._replace_kernel()
        return cell, resources

    def _timed_cell(self, cell: NotebookNode, resources: Any, index: int, clock: float) -> Any:
        try:
            return super().preprocess_cell(cell, resources, index)
        finally:
            if cell.cell_type == "code" and cell.source.strip():
                self.timings["cells"].append(round(time.perf_counter() - clock, 3))

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        """Start a kernel (nbclient's way), timing it until its client is ready."""
        self._kernel_clock = time.perf_counter()
        await super().async_start_new_kernel(**kwargs)

    async def async_start_new_kernel_client(self) -> Any:
        """Start the kernel's client (nbclient's way), adding its start to the timings."""
        client = await super().async_start_new_kernel_client()
        if hasattr(self, "timings"):
            self.timings["kernel_start"] += time.perf_counter() - self._kernel_clock
        return client

    def create_kernel_manager(self) -> Any:
        """Create the kernel manager (nbclient's way), with room on the grader's side for a
        burst of outputs: ZeroMQ drops what does not fit, and a dropped "idle" message made
        a cell that printed a lot wait for the iopub timeout and fail. One message may hold at
        most 64 MiB (a bigger one is refused), and the limits above cut what is kept."""
        import zmq

        manager = super().create_kernel_manager()
        manager.context.setsockopt(zmq.RCVHWM, 50_000)
        manager.context.setsockopt(zmq.MAXMSGSIZE, 64 * 2**20)
        return manager

    # nbclient's synchronous versions wrap its own coroutines; these wrap the ones above.
    start_new_kernel = run_sync(async_start_new_kernel)
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        """Keep one output (nbclient's way), then hold the cell and the notebook within the
        output limits, so that memory stays bounded however the kernel floods."""
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return out
        size = output_characters(out)
        used = self._cell_characters.get(cell_index, 0) + size
        self._cell_characters[cell_index] = used
        self._notebook_characters += size
        limits = self._limits
        over = (used > 2 * limits.cell_characters or len(outs) > 2 * limits.cell_outputs
                or self._notebook_characters > limits.notebook_characters + limits.cell_characters
                or (out.get("output_type") == "stream" and used > 4 * limits.text_characters))
        if over:
            others = self._notebook_characters - used
            allowance = max(limits.notebook_characters - others, 0)
            outs[:], kept = limit_outputs(outs, limits, allowance)
            self._cell_characters[cell_index] = kept
            self._notebook_characters = others + kept
            # Output indices changed: later display updates no longer reach this cell.
            self.clear_display_id_mapping(cell_index)
        return out

    def _kernel_responds(self) -> bool:
        """Return True when the kernel runs a trivial request within ``responsive_seconds``."""
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
        """Replace the kernel and its client with new ones, or, once ``max_kernel_restarts``
        replacements were made, stop the kernel and run no further cell."""
        if self._kernel_restarts >= self.max_kernel_restarts:
            self._gave_up = (f"Not run: this notebook lost its kernel {self._kernel_restarts + 1}"
                             " times.")
            return
        self._kernel_restarts += 1
        self.timings["restarts"] = self._kernel_restarts
        run_sync(self._async_replace_kernel)()

    async def _async_replace_kernel(self) -> None:
        """Stop the kernel through jupyter_client's public API (nbclient's own clean-up is
        private), then start a new kernel and client the way nbclient does."""
        from jupyter_core.utils import ensure_async

        if self.kc is not None:
            await ensure_async(self.kc.stop_channels())
            self.kc = None
        try:
            await ensure_async(self.km.shutdown_kernel(now=True))
        except RuntimeError:
            await ensure_async(self.km.cleanup_resources())  # The kernel was already gone.
        self.km = self.create_kernel_manager()
        await self.async_start_new_kernel()
        await self.async_start_new_kernel_client()


def _error_output(ename: str, evalue: str) -> NotebookNode:
    """Return an nbformat error output whose traceback is its message."""
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                  traceback=[f"{ename}: {evalue}"])


class ReplayMismatchError(RuntimeError):
    """The executed notebook does not hold the cells nbgrader is grading."""


def executed_path(folder: str | Path, assignment: str, student: str, notebook: str) -> Path:
    """Return where the executed notebook of one submission is kept for replay."""
    return Path(folder) / assignment / student / f"{notebook}.ipynb"


def replay(nb: NotebookNode, resources: dict, folder: str) -> NotebookNode:
    """Give ``nb`` the outputs of its executed copy in ``folder`` (see RecoveringExecute)."""
    settings = resources["nbgrader"]
    path = executed_path(folder, settings["assignment"], settings["student"],
                         settings["notebook"])
    if not path.exists():
        raise ReplayMismatchError(f"{path} does not exist: this submission was not executed.")
    executed = nbformat.read(path, as_version=4)
    if len(executed.cells) != len(nb.cells) or any(
            (mine.cell_type, mine.source) != (theirs.cell_type, theirs.source)
            for mine, theirs in zip(nb.cells, executed.cells, strict=True)):
        raise ReplayMismatchError(
            f"{path} does not hold the cells being graded: the submission or the gradebook "
            "changed after it was executed. Run the autograde command again.")
    for mine, theirs in zip(nb.cells, executed.cells, strict=True):
        if mine.cell_type == "code":
            mine.outputs = theirs.get("outputs", [])
            mine.execution_count = theirs.get("execution_count")
    for key in ("language_info", "widgets"):
        if key in executed.metadata:
            nb.metadata[key] = executed.metadata[key]
    return nb


class LimitOutputSize(LimitOutput):
    """Outputs cut to ``OutputLimits`` (nbgrader's LimitOutput counts lines only).

    Lines alone let one enormous line (``print("x" * 10**8)``) through, and nbgrader counts
    them per output, so a thousand separate writes or large displays made a 10 MB notebook.
    Here consecutive writes to one stream count as one text, and each cell and the whole
    notebook have a limit in characters (``limit_outputs``). Tracebacks are cut by
    ``c.LimitOutput.max_traceback`` lines as nbgrader does.
    """

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        """Cut the outputs of every cell, in order, within the notebook's limit."""
        limits = OutputLimits(parent=self)
        left = limits.notebook_characters
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            self._limit_traceback(cell)
            cell.outputs, used = limit_outputs(cell.outputs, limits, left)
            left = max(left - used, 0)
        return nb, resources


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
