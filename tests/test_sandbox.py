"""The sandbox student code runs in during grading (course_grading.sandbox; issue 12).

Three layers:

* the sandbox's walls, tried from inside a kernel on a tiny notebook (seconds);
* ``autograde`` refusing to run student code without a sandbox unless told, and saying so in
  its report, on a one-exercise course (a real nbgrader round trip);
* the hostile corpus of tests/grading/sandbox_cases.py, graded with the rest of notebook 01's
  corpus by the instructor commands (the ``graded`` fixture): tests/test_grading.py checks
  every score and flag; here, that nothing outside the sandbox changed and nothing is left.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from pathlib import Path

import nbformat
import pytest
from grading import course, sandbox_cases
from traitlets.config import Config

from course_grading import commands, execution, preprocessors, sandbox
from course_grading import course as course_folder

pytestmark = pytest.mark.skipif(
    bool(sandbox.sandbox_problem()) and not os.environ.get("CI"),
    reason=f"no sandbox on this machine: {sandbox.sandbox_problem()} (CI installs bubblewrap)")

ASSIGNMENT = sandbox_cases.SANDBOX_ASSIGNMENT


# ---------------------------------------------------------------------------------------------
# The walls, from inside
# ---------------------------------------------------------------------------------------------

PROBE = '''import json, os, resource, socket
found = {"uid": os.getuid(), "cwd": os.getcwd(), "environment": sorted(os.environ)}
try:
    socket.create_connection(("127.0.0.1", PORT), timeout=3).close()
    found["network"] = "connected"
except OSError as error:
    found["network"] = type(error).__name__
found["solutions"] = os.path.exists("ROOT/solutions")
for name, path in {"course folder": "ROOT", "home of root": "/root"}.items():
    found[name] = sorted(os.listdir(path)) if os.path.isdir(path) else []
import helpers.checks
try:
    open(helpers.checks.__file__, "a").close()
    found["helpers writable"] = True
except OSError:
    found["helpers writable"] = False
found["data"] = sorted(os.listdir(os.environ["COURSE_DATA_DIR"]))
try:
    with open(os.path.join(os.path.expanduser("~"), "big"), "wb") as handle:
        for _ in range(2048):
            handle.write(b"x" * 2**20)
    found["scratch"] = "unlimited"
except OSError as error:
    found["scratch"] = error.errno
arguments = __import__("sys").argv
run_folder = os.path.dirname(arguments[arguments.index("-f") + 1])
try:
    open(os.path.join(run_folder, "planted"), "w").close()
    found["run folder writable"] = True
except OSError:
    found["run folder writable"] = False
found["limits"] = [resource.getrlimit(limit)[0] for limit in
                   (resource.RLIMIT_AS, resource.RLIMIT_NPROC, resource.RLIMIT_FSIZE)]
print(json.dumps(found))
'''


def test_the_kernel_sees_only_what_the_lesson_needs(tmp_path: Path) -> None:
    """Inside the sandbox: its own user, no network (not even the grader's 127.0.0.1), no
    solutions/, gradebook or /root, helpers/ and the data read-only, a limited scratch, the
    kernel's run folder locked, the limits set, no variable of the grader's environment."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[object] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    (tmp_path / "released.txt").write_text("a file released with the notebook")
    code = (PROBE.replace("PORT", str(listener.getsockname()[1]))
            .replace("ROOT", str(course_folder.ROOT)))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code),
                                               nbformat.v4.new_code_cell("print(open("
                                                                         "'released.txt').read())")])
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}
    os.environ["GRADER_SECRET_TOKEN"] = "do not show"
    try:
        executor = preprocessors.RecoveringExecute(config=Config())
        executed, _ = executor.preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    finally:
        del os.environ["GRADER_SECRET_TOKEN"]
    outputs = executed.cells[0].outputs
    assert outputs and outputs[-1].output_type == "stream", outputs
    found = json.loads(outputs[-1].text)
    settings = sandbox.Sandbox()
    if os.geteuid() == 0:
        assert found["uid"] >= settings.first_user_id
    assert found["network"] != "connected" and not accepted
    assert not found["solutions"]
    # Only the parents of what is shown: the helpers package, the Python environment.
    assert set(found["course folder"]) <= {"helpers", ".venv"}, found["course folder"]
    assert set(found["home of root"]) <= {".pyenv", ".local"}, found["home of root"]
    assert found["helpers writable"] is False
    assert "mnist.npz" in found["data"]
    assert found["scratch"] in (27, 28)  # EFBIG (file size limit) or ENOSPC (scratch full)
    assert found["run folder writable"] is (os.geteuid() != 0)
    assert found["limits"] == [settings.memory_bytes, settings.processes, settings.file_bytes]
    assert "GRADER_SECRET_TOKEN" not in found["environment"]
    assert found["cwd"] == f"{sandbox.SANDBOX_HOME}/work"
    assert executed.cells[1].outputs[0].text.startswith("a file released")


@pytest.mark.parametrize(("grader_value", "seen"), [(None, "0 False"), ("1", "1 True")])
def test_numpy_asks_for_huge_pages_only_when_the_grader_says(
        monkeypatch: pytest.MonkeyPatch, grader_value: str | None, seen: str) -> None:
    """A submission executes with NUMPY_MADVISE_HUGEPAGE=0 (execution.GRADING_DEFAULTS), in the
    sandbox, unless the grader's own environment sets the variable."""
    if grader_value is None:
        monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    else:
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", grader_value)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nimport numpy\n"
        "print(os.environ.get('NUMPY_MADVISE_HUGEPAGE'), "
        "numpy._core.multiarray._get_madvise_hugepage())")])
    notebook.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                       "display_name": "Python 3"}
    task = execution.Task("environment", "student", "probe", nbformat.writes(notebook))
    result = execution.execute(task)
    assert result.error is None, result.error
    outputs = nbformat.reads(result.notebook, as_version=4).cells[0].outputs
    assert [output.get("text", "").strip() for output in outputs] == [seen], outputs


def test_no_sandbox_means_a_clear_refusal() -> None:
    """Without bubblewrap, the check says how to install it and how to go on without it."""
    with pytest.raises(sandbox.SandboxUnavailableError, match="apt-get install bubblewrap"):
        sandbox.Sandbox(bwrap="no-such-bwrap").check()
    sandbox.Sandbox(bwrap="no-such-bwrap", unsafe_no_sandbox=True).check()


# ---------------------------------------------------------------------------------------------
# autograde with and without a sandbox, on a one-exercise course
# ---------------------------------------------------------------------------------------------

ANSWER = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
TEST = ("from helpers import checks\nassert double(2) == 4\nchecks.passed('double')\n"
        "### BEGIN HIDDEN TESTS\nassert double(5) == 10\n### END HIDDEN TESTS")


def tiny_course(folder: Path, extra_config: str = "") -> Path:
    """Make a course with one assignment ("tiny": one answer, one test), assigned, and two
    submissions: right (alice) and wrong (bob)."""
    source = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell(ANSWER)
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                   "grade_id": "double", "schema_version": 3}
    test = nbformat.v4.new_code_cell(TEST)
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "test-double", "points": 2, "schema_version": 3}
    source.cells = [answer, test]
    source.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                     "display_name": "Python 3"}
    (folder / "solutions" / "tiny").mkdir(parents=True)
    nbformat.write(source, folder / "solutions" / "tiny" / "tiny.ipynb")
    config = (course_folder.ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    (folder / "nbgrader_config.py").write_text(config + extra_config, encoding="utf-8")
    course_folder.run_nbgrader(folder, "generate_assignment", "tiny", "--force", log_name="tiny")
    release = nbformat.read(folder / "notebooks" / "tiny" / "tiny.ipynb", as_version=4)
    for student, body in (("alice", "    return 2 * x"), ("bob", "    return x + 1")):
        release.cells[0].source = f"def double(x):\n{body}"
        target = folder / "submitted" / student / "tiny" / "tiny.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(release, target)
    return folder


def test_autograde_refuses_without_a_sandbox_and_warns_when_told(tmp_path: Path) -> None:
    """A course whose sandbox cannot start: autograde stops before running any student code;
    with unsafe set it grades, and the printed report and the review list say so."""
    folder = tiny_course(tmp_path, '\nc.Sandbox.bwrap = "no-such-bwrap"\n')
    with pytest.raises(course_folder.GradingError, match="--unsafe-no-sandbox"):
        commands.autograde(folder, ["tiny"], jobs=1)
    assert not (folder / "autograded").exists()
    reports = commands.autograde(folder, ["tiny"], jobs=1, unsafe=True)
    assert reports["tiny"].unsafe
    review = (folder / commands.REPORTS / "tiny-review.txt").read_text(encoding="utf-8")
    assert commands.UNSAFE_WARNING in review
    assert commands.cell_scores(folder, "tiny") == {"alice": {"test-double": 2.0},
                                                    "bob": {"test-double": 0.0}}


def test_the_command_line_grades_in_the_sandbox(tmp_path: Path) -> None:
    """`python -m course_grading autograde --jobs 1`, what `make autograde JOBS=1` runs."""
    import sys

    folder = tiny_course(tmp_path)
    result = subprocess.run([sys.executable, "-m", "course_grading", "--course", str(folder),
                             "autograde", "tiny", "--jobs", "1"],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "COURSE_MODE": "fast"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "each in a sandbox" in result.stdout and "[2/2]" in result.stdout
    assert "WITHOUT" not in result.stdout
    assert commands.cell_scores(folder, "tiny") == {"alice": {"test-double": 2.0},
                                                    "bob": {"test-double": 0.0}}


# ---------------------------------------------------------------------------------------------
# The hostile corpus, graded with notebook 01's (scores and flags: tests/test_grading.py)
# ---------------------------------------------------------------------------------------------


def graded_sandbox_course(graded: dict, assignment: str) -> course.GradedCourse:
    result = graded[assignment]
    if result.error:
        pytest.fail(f"grading {assignment} failed:\n{result.error}")
    assert result.before is not None
    return result


@pytest.mark.parametrize("assignment", [ASSIGNMENT])
def test_the_gradebook_tests_are_unchanged_row_for_row(graded: dict, assignment: str) -> None:
    """The tests, points and notebooks in the gradebook are what `assign` stored, though a
    submission tried to rewrite every test cell to `pass`."""
    result = graded_sandbox_course(graded, assignment)
    assert course.gradebook_rows(result.course) == result.before.gradebook


@pytest.mark.parametrize("assignment", [ASSIGNMENT])
def test_no_file_outside_grading_changed(graded: dict, assignment: str) -> None:
    """The course folder (solutions, release, every submission) and the repository's helpers/
    are byte for byte what they were before autograde, though submissions tried to edit
    helpers/checks.py and overwrite other submissions."""
    result = graded_sandbox_course(graded, assignment)
    after = course.file_hashes(result.course, course.GRADING_OUTPUTS)
    changed = sorted(path for path in set(after) | set(result.before.course_files)
                     if after.get(path) != result.before.course_files.get(path))
    assert not changed, changed
    assert course.file_hashes(course_folder.ROOT / "helpers") == result.before.helpers
    assert "SANDBOX-SABOTAGE" not in (course_folder.ROOT / "helpers" / "checks.py").read_text()


@pytest.mark.parametrize("assignment", [ASSIGNMENT])
def test_nothing_reached_the_network(graded: dict, assignment: str) -> None:
    """The answer server on the grader's 127.0.0.1 never got a connection."""
    graded_sandbox_course(graded, assignment)
    assert sandbox_cases.answer_server().connections == 0


@pytest.mark.parametrize("assignment", [ASSIGNMENT])
def test_no_sandboxed_process_is_left(graded: dict, assignment: str) -> None:
    """The fork bomb's processes, the detached sleeper and every kernel ended with grading: no
    process of a sandbox user is left whose kernel's run folder is gone (other gradings on the
    machine may have sandboxes running; theirs still have their folder)."""
    graded_sandbox_course(graded, assignment)
    if os.geteuid() != 0:
        pytest.skip("sandboxes get their own user ids only when grading runs as root")
    settings = sandbox.Sandbox()
    left = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            real_user = folder.stat().st_uid
            arguments = (folder / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if not settings.first_user_id <= real_user < settings.first_user_id + settings.user_ids:
            continue
        files = [argument.decode() for argument in arguments if argument.endswith(b".json")]
        if any(not Path(file).parent.exists() for file in files):
            left.append((folder.name, b" ".join(arguments).decode()[:200]))
    assert not left, left


def printed(result: course.GradedCourse, student: str) -> str:
    """Return everything the code cells of a student's autograded notebook printed."""
    return "".join(output.get("text", "") for cell in result.autograded(student).cells
                   for output in cell.get("outputs", []))


@pytest.mark.parametrize("assignment", [ASSIGNMENT])
def test_resource_attacks_stopped_at_the_limits(graded: dict, assignment: str) -> None:
    """The fork bomb, the memory hog and the disk filler each hit their limit and said so."""
    result = graded_sandbox_course(graded, assignment)
    assert f"{sandbox_cases.FORK_MARK} after" in printed(result, "sandbox-fork-bomb")
    assert f"{sandbox_cases.MEMORY_MARK} at" in printed(result, "sandbox-memory-hog")
    assert f"{sandbox_cases.DISK_MARK} in /home/student" in printed(result,
                                                                     "sandbox-disk-filler")


@pytest.mark.parametrize("assignment", [ASSIGNMENT])
def test_output_floods_leave_small_files(graded: dict, assignment: str) -> None:
    """10 MB in a thousand writes and 10 MB of displays: cut while they arrived, whether or not
    the cells finished in time; the autograded notebook and the feedback page stay small (they
    were 10 and 11 MB)."""
    result = graded_sandbox_course(graded, assignment)
    path = (result.course / course_folder.AUTOGRADED / "sandbox-output-flood" / assignment
            / f"{assignment}.ipynb")
    assert path.stat().st_size < 2_500_000
    assert result.feedback_page("sandbox-output-flood").stat().st_size < 1_000_000
    texts = [output.get("text", "") for cell in result.autograded("sandbox-output-flood").cells
             for output in cell.get("outputs", [])]
    assert any("Output truncated" in text for text in texts)
    assert any("not kept" in text for text in texts)
