"""The last cell of every release notebook: where a student stands before submitting.

``add_self_check_cell(notebook, assignment)`` is called by ``release.student_edition`` for
every release notebook. (To be written: issue 13.)
"""

from __future__ import annotations

from nbformat.notebooknode import NotebookNode


def add_self_check_cell(notebook: NotebookNode, assignment: str) -> NotebookNode:
    """Return the release notebook with its self-check cell (nothing yet)."""
    return notebook
