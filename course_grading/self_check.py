"""The last cells of every release notebook: where a student stands before submitting.

``add_self_check_cell(notebook, assignment)`` is called by ``release.student_edition`` for
every release notebook. It appends a short markdown cell and one code cell that calls
``helpers.progress.report(assignment)``: the visible test of every exercise runs again and one
row per exercise says passed or not, the points at stake and what is checked only at grading.
``helpers.progress`` explains where it reads the test cells from (so that it also works on
Colab, where the notebook is not on the runtime's disk).

The cells carry no nbgrader metadata: they are not graded, and nbgrader leaves them alone
(the report does nothing while nbgrader executes a submission). Their ids are fixed, so that
regenerating the release gives the same file.
"""

from __future__ import annotations

import nbformat
from nbformat.notebooknode import NotebookNode

HEADING_ID = "self-check-heading"
CELL_ID = "self-check"
HEADING = """## Before you submit: check where you stand

Run the cell below (after running the notebook from the top). It runs the visible test of every
exercise again on your answers and lists, for each exercise, whether it passes, the points at
stake and what grading checks on top: the same checks on new inputs, so make each function
right in general. Written answers are graded by hand. This check is not graded.

To submit, save the notebook and hand it in as the course says (README, "How to submit")."""


def self_check_source(assignment: str) -> str:
    """Return the code of the self-check cell for ``assignment``."""
    return f'from helpers import progress\n\nprogress.report("{assignment}")'


def add_self_check_cell(notebook: NotebookNode, assignment: str) -> NotebookNode:
    """Return the release notebook with the self-check heading and cell at its end.

    Cells a previous call added are replaced, so calling it twice changes nothing.
    """
    notebook.cells = [cell for cell in notebook.cells
                      if cell.get("id") not in (HEADING_ID, CELL_ID)]
    heading = nbformat.v4.new_markdown_cell(HEADING)
    heading.id = HEADING_ID
    check = nbformat.v4.new_code_cell(self_check_source(assignment))
    check.id = CELL_ID
    notebook.cells.extend([heading, check])
    return notebook
