"""A tiny course (one assignment, two small exercises and a written answer) and the zips an
LMS would hand over for it: cheap to grade, because execution is not what these tests check.

``make_course`` writes the course folder (solutions/, nbgrader_config.py from this repository,
term.toml); ``submission`` fills the release's answer cells; ``canvas_zip`` and
``blackboard_zip`` write downloads in each LMS's naming.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import nbformat

from course_grading import course as course_folder

ASSIGNMENT = "01-tiny"
DUE = "2026-02-06 23:59"
TIMEZONE = "Europe/Berlin"
LMS_COLUMN = "Tiny (98765)"
ANSWERS = {"double": "def double(x):\n    \"\"\"Return twice x.\"\"\"\n    return 2 * x",
           "triple": "def triple(x):\n    \"\"\"Return three times x.\"\"\"\n    return 3 * x",
           "reflection-tiny": "New inputs catch an answer fitted to the visible example."}
WRONG = {"double": "def double(x):\n    \"\"\"Return twice x.\"\"\"\n    return x",
         "triple": "def triple(x):\n    \"\"\"Return three times x.\"\"\"\n    return x"}
POINTS = {"test-double": 2, "test-triple": 3, "reflection-tiny": 1}


def _cell(kind: str, source: str, **grading: object) -> nbformat.NotebookNode:
    cell = (nbformat.v4.new_code_cell(source) if kind == "code"
            else nbformat.v4.new_markdown_cell(source))
    if grading:
        cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": False,
                                     "grade": False, "task": False, **grading}
    return cell


def source_notebook() -> nbformat.NotebookNode:
    """Return the tiny assignment's source notebook (answers and hidden tests)."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        _cell("markdown", "# 01 · Tiny\n\n**Points:** 6."),
        _cell("markdown", "### Exercise 1: double a number (2 points)\n\nWrite `double(x)`."),
        _cell("code", "def double(x):\n    \"\"\"Return twice x.\"\"\"\n    ### BEGIN SOLUTION\n"
                      "    return 2 * x\n    ### END SOLUTION", solution=True,
              grade_id="double"),
        _cell("code", "# Visible test: double on a small number.\nfrom helpers import checks\n"
                      "checks.equal(double(2), 4, \"double(2)\")\n"
                      "checks.passed(\"double doubles.\")\n"
                      "# Graded: the same check again on new inputs (other numbers).\n"
                      "### BEGIN HIDDEN TESTS\nchecks.equal(double(21), 42, \"double(21)\")\n"
                      "### END HIDDEN TESTS", grade=True, locked=True, points=2,
              grade_id="test-double"),
        _cell("markdown", "### Exercise 2: triple a number (3 points)\n\nWrite `triple(x)`."),
        _cell("code", "def triple(x):\n    \"\"\"Return three times x.\"\"\"\n"
                      "    ### BEGIN SOLUTION\n    return 3 * x\n    ### END SOLUTION",
              solution=True, grade_id="triple"),
        _cell("code", "# Visible test: triple on a small number.\nfrom helpers import checks\n"
                      "checks.equal(triple(2), 6, \"triple(2)\")\n"
                      "checks.passed(\"triple triples.\")\n"
                      "# Graded: the same check again on new inputs (other numbers).\n"
                      "### BEGIN HIDDEN TESTS\nchecks.equal(triple(7), 21, \"triple(7)\")\n"
                      "### END HIDDEN TESTS", grade=True, locked=True, points=3,
              grade_id="test-triple"),
        _cell("markdown", "### Reflection: why test on new inputs? (1 point, graded by hand)"),
        _cell("markdown", "### BEGIN SOLUTION\nA model answer.\n### END SOLUTION",
              solution=True, grade=True, points=1, grade_id="reflection-tiny"),
    ]
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number:02d}"
    return notebook


def make_course(folder: Path, repository: Path = course_folder.ROOT) -> Path:
    """Write a course folder for the tiny assignment and return it."""
    source = folder / course_folder.SOURCE / ASSIGNMENT
    source.mkdir(parents=True)
    nbformat.write(source_notebook(), source / f"{ASSIGNMENT}.ipynb")
    shutil.copy(repository / "nbgrader_config.py", folder / "nbgrader_config.py")
    (folder / "term.toml").write_text(
        f'timezone = "{TIMEZONE}"\n\n[assignments."{ASSIGNMENT}"]\ndue = "{DUE}"\n'
        f'lms_column = "{LMS_COLUMN}"\n', encoding="utf-8")
    return folder


def submission(release: nbformat.NotebookNode, answers: dict[str, str]) -> str:
    """Return the release with the given answer cells filled in, as notebook JSON text."""
    notebook = nbformat.from_dict(release)
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nbformat.writes(notebook)


def write_zip(path: Path, files: dict[str, str]) -> Path:
    """Write a zip holding ``files`` (name: text) and return its path."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def canvas_zip(path: Path, release: nbformat.NotebookNode) -> Path:
    """Canvas's "Download Submissions" for the tiny assignment.

    smithjohn answers everything (written answer included); leeann uploaded twice (attachment
    1003 wrong, then 1010 right, renamed by Canvas to ...-1.ipynb); doejane is marked LATE by
    Canvas and answers only Exercise 1; notes.txt and random-file.ipynb name no student.
    """
    right = submission(release, ANSWERS)
    return write_zip(path, {
        "smithjohn_12345_1001_01-tiny.ipynb": right,
        "leeann_34567_1003_01-tiny.ipynb": submission(release, WRONG),
        "leeann_34567_1010_01-tiny-1.ipynb": right,
        "doejane_LATE_23456_1002_01-tiny.ipynb": submission(
            release, {"double": ANSWERS["double"], "triple": WRONG["triple"]}),
        "notes.txt": "not a submission",
        "random-file.ipynb": right,
    })


def blackboard_zip(path: Path, release: nbformat.NotebookNode) -> Path:
    """Blackboard's "Download Assignment" (one file per attempt, times in Europe/Berlin).

    alice submits on time; bob first on time with wrong answers, then 34 hours late with right
    ones (the newest attempt counts: 2 started days late); the attempt's .txt file is not a
    submission.
    """
    right = submission(release, ANSWERS)
    return write_zip(path, {
        "Tiny_alice_attempt_2026-02-06-23-30-00_01-tiny.ipynb": right,
        "Tiny_alice_attempt_2026-02-06-23-30-00.txt": "Name: Alice\nAssignment: Tiny\n",
        "Tiny_bob_attempt_2026-02-06-20-00-00_01-tiny.ipynb": submission(release, WRONG),
        "Tiny_bob_attempt_2026-02-08-10-00-00_01-tiny.ipynb": right,
    })
