"""Hosted runtimes (Colab, Kaggle): the cell that installs the course there.

``add_hosted_setup(notebook, assignment)`` is called by ``release.student_edition`` for every
release notebook. (To be written: issue 14.)
"""

from __future__ import annotations

from nbformat.notebooknode import NotebookNode


def add_hosted_setup(notebook: NotebookNode, assignment: str) -> NotebookNode:
    """Return the release notebook with what a hosted runtime needs (nothing yet)."""
    return notebook
