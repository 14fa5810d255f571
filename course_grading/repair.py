"""Repairing the nbgrader metadata of a submitted notebook from the gradebook.

A student's copy-paste or a careless edit can change a cell's nbgrader metadata: a test cell's
``grade_id`` renamed (JupyterLab's copy of a cell keeps its metadata, and nbgrader then sees two
cells with one id), a test cell marked as a solution, an answer cell marked as graded. nbgrader
then stops with "Notebook failed to validate" and the whole notebook scores 0, honest answers
included (nbgrader#1083). ``RepairCellMetadata`` runs first when autograde reads a submission:
it sets every known cell's metadata back to what the gradebook holds, gives a renamed locked cell
its id back (matched by its source), strips nbgrader metadata that matches nothing, and records
each repair for the autograde report. The answers themselves are never changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from course_grading.markers import remove_hidden_tests

REPORT_FOLDER = Path(".nbgrader") / "repairs"


def _comparable(source: str) -> str:
    return "\n".join(line.rstrip() for line in remove_hidden_tests(source).strip().split("\n"))


def _metadata_of(source_cell: Any, grade_cell: Any | None) -> dict[str, Any]:
    """Return the nbgrader metadata a cell of the gradebook should carry."""
    metadata: dict[str, Any] = {
        "grade": grade_cell is not None,
        "grade_id": source_cell.name,
        "locked": bool(source_cell.locked),
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    if grade_cell is not None:
        metadata["points"] = float(grade_cell.max_score)
    return metadata


def repair_notebook(notebook: NotebookNode, gradebook: Gradebook, notebook_id: str,
                    assignment_id: str) -> list[str]:
    """Repair the nbgrader metadata of ``notebook`` in place; return what was repaired."""
    source_notebook = gradebook.find_notebook(notebook_id, assignment_id)
    source_cells = {cell.name: cell for cell in source_notebook.source_cells}
    grade_cells = {cell.name: cell for cell in source_notebook.grade_cells}
    solution_ids = {cell.name for cell in source_notebook.solution_cells}
    task_ids = {cell.name for cell in source_notebook.task_cells}
    repairs: list[str] = []
    seen: set[str] = set()
    present = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
               for cell in notebook.cells}
    missing_locked = {name: cell for name, cell in source_cells.items()
                      if cell.locked and name not in present}
    for cell in notebook.cells:
        metadata = cell.get("metadata", {}).get("nbgrader")
        if not metadata:
            continue
        grade_id = metadata.get("grade_id")
        if grade_id not in source_cells or grade_id in seen:
            # A renamed or duplicated id: a locked cell gets its id back by its source.
            match = next((name for name, source_cell in missing_locked.items()
                          if source_cell.cell_type == cell.cell_type
                          and _comparable(source_cell.source) == _comparable(cell.source)), None)
            if match is not None:
                missing_locked.pop(match)
                repairs.append(f"{match}: grade_id {grade_id!r} set back to {match!r}")
                grade_id = match
            else:
                del cell.metadata["nbgrader"]
                repairs.append(f"{grade_id}: nbgrader metadata of an unknown or repeated cell "
                               "removed (it runs as an ordinary cell)")
                continue
        seen.add(grade_id)
        wanted = _metadata_of(source_cells[grade_id], grade_cells.get(grade_id))
        wanted["solution"] = grade_id in solution_ids
        wanted["task"] = grade_id in task_ids
        if grade_id in solution_ids:
            wanted["locked"] = False
        changed = sorted(key for key, value in wanted.items() if metadata.get(key) != value
                         and not (key == "points" and _same_points(metadata.get(key), value)))
        if changed and not repairs_only_cosmetic(metadata, changed):
            repairs.append(f"{grade_id}: {', '.join(changed)} set back to the gradebook's")
        keep = {key: metadata[key] for key in ("checksum", "cell_type") if key in metadata}
        cell.metadata["nbgrader"] = {**keep, **wanted}
        if not wanted["grade"]:
            cell.metadata["nbgrader"].pop("points", None)
    return repairs


def _same_points(found: Any, wanted: float) -> bool:
    try:
        return float(found) == wanted
    except (TypeError, ValueError):
        return False


def repairs_only_cosmetic(metadata: dict[str, Any], changed: list[str]) -> bool:
    """True when only keys that a missing default explains differ (``task`` absent means
    False in older metadata)."""
    return all(key == "task" and "task" not in metadata for key in changed)


class RepairCellMetadata(NbGraderPreprocessor):
    """Set every cell's nbgrader metadata back to the gradebook's before nbgrader reads it.

    Each repair is written to ``.nbgrader/repairs/<assignment>/<student>.json`` in the course
    folder, for the autograde report.
    """

    report_folder = Unicode(
        "", help="Folder of the repair reports (default: .nbgrader/repairs in the course)."
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        """Repair the notebook and record what was repaired."""
        settings = resources["nbgrader"]
        with Gradebook(settings["db_url"]) as gradebook:
            try:
                repairs = repair_notebook(nb, gradebook, settings["notebook"],
                                          settings["assignment"])
            except MissingEntry:
                return nb, resources
        folder = Path(self.report_folder or REPORT_FOLDER) / settings["assignment"]
        student = settings.get("student", "unknown")
        path = folder / f"{student}.json"
        recorded: dict[str, list[str]] = {}
        if path.exists():
            recorded = json.loads(path.read_text(encoding="utf-8"))
        recorded[settings["notebook"]] = repairs
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(recorded, indent=1), encoding="utf-8")
        temporary.replace(path)
        return nb, resources


def read_repairs(course: Path, assignment: str) -> dict[str, list[str]]:
    """Return {student: [repair, ...]} recorded while autograding one assignment."""
    found: dict[str, list[str]] = {}
    for path in sorted((Path(course) / REPORT_FOLDER / assignment).glob("*.json")):
        notebooks = json.loads(path.read_text(encoding="utf-8"))
        repairs = [repair for items in notebooks.values() for repair in items]
        if repairs:
            found[path.stem] = repairs
    return found
