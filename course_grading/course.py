"""Course folders, assignments, the gradebook's address, and running nbgrader.

A *course folder* holds nbgrader_config.py, solutions/ (the sources), notebooks/ (the release)
and, once grading starts, gradebook.db, submitted/, autograded/ and feedback/. The repository
is one; the tests make scratch ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nbformat.notebooknode import NotebookNode

# The repository this package was installed from (``pip install -e .``).
ROOT = Path(__file__).resolve().parent.parent
SOURCE = "solutions"
RELEASE = "notebooks"
SUBMITTED = "submitted"
AUTOGRADED = "autograded"
FEEDBACK = "feedback"
GRADEBOOK = "gradebook.db"
LOG_DIR = Path(".nbgrader") / "logs"


class GradingError(RuntimeError):
    """A grading step failed; the message says what to do."""


def ensure_tools_on_path() -> None:
    """Put this environment's scripts folder first on PATH: nbgrader runs ``alembic`` (to set up
    a gradebook) by name, which fails when the environment was not activated."""
    scripts = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def default_course() -> Path:
    """Return the course folder commands work on by default: the current folder when it holds
    nbgrader_config.py, otherwise the repository this package comes from."""
    here = Path.cwd()
    return here if (here / "nbgrader_config.py").is_file() else ROOT



def assignments(course: Path) -> list[str]:
    """Return the assignments of a course: folders of solutions/ holding a notebook, in order."""
    source = course / SOURCE
    if not source.is_dir():
        raise GradingError(f"{source} does not exist: --course must name the course folder "
                           f"(the one holding nbgrader_config.py and solutions/).")
    return sorted(path.name for path in source.iterdir()
                  if path.is_dir() and any(path.glob("*.ipynb")))


def chosen_assignments(course: Path, names: Iterable[str]) -> list[str]:
    """Return ``names`` (every assignment when empty), checking that each exists."""
    known = assignments(course)
    chosen = [name.strip("/").split("/")[-1] for name in names if name.strip()]
    for name in chosen:
        if name not in known:
            raise GradingError(f"Unknown assignment {name!r}; the course has {known}.")
    return chosen or known


def gradebook_url(course: Path) -> str:
    """Return the sqlite URL of the course's gradebook (gradebook.db in the course folder)."""
    return f"sqlite:///{(course / GRADEBOOK).resolve()}"


def run_nbgrader(course: Path, *arguments: str, log_name: str) -> str:
    """Run one ``nbgrader`` command in the course folder; return its output, or raise.

    The output is also written to ``.nbgrader/logs/<log_name>.log`` in the course folder.
    nbgrader exits with 0 even after some failures (``validate`` does), so callers also read
    the output.
    """
    ensure_tools_on_path()
    command = [sys.executable, "-m", "nbgrader", *arguments]
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    log = course / LOG_DIR / f"{log_name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"$ nbgrader {' '.join(arguments)}\n{output}", encoding="utf-8")
    failed = result.returncode != 0 or "There was an error processing assignment" in output
    if failed:
        raise GradingError(f"`nbgrader {' '.join(arguments)}` failed (exit code "
                           f"{result.returncode}). Its log, {log}, ends with:\n"
                           + "\n".join(output.splitlines()[-25:]))
    return output


def normalised_cells(notebook: NotebookNode) -> list[tuple[str, str, Any]]:
    """Return what students see of each cell: type, source and nbgrader metadata."""
    cells = []
    for cell in notebook.cells:
        metadata = {key: value for key, value in cell.metadata.get("nbgrader", {}).items()
                    if key != "checksum"}
        cells.append((cell.cell_type, cell.source.rstrip(), metadata))
    return cells
