"""The student release and the stored outputs of the source notebooks (run through the Makefile).

    python -m course_grading.release release [ASSIGNMENT ...] [--output DIR] [--db URL]
        Regenerate the student release (notebooks/) from the sources (solutions/) with
        nbgrader's generate_assignment, then normalise it: no outputs, stable metadata. Names
        limit it to those assignments (the others are left as they are).
    python -m course_grading.release outputs [NOTEBOOK ...]
        Execute source notebooks in fast mode and keep only the outputs that nbval compares
        (cells marked ``# NBVAL_CHECK_OUTPUT``), then clean them.
    python -m course_grading.release clean [NOTEBOOK ...]
        Normalise source notebooks: drop unchecked outputs, execution counts and volatile
        metadata, keep nbgrader's cell metadata.

Hand-written: solutions/. Generated: notebooks/ (never edit it by hand).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from course_grading import hosted, self_check
from course_grading.course import ROOT, ensure_tools_on_path

SOURCE_DIR = ROOT / "solutions"
RELEASE_DIR = ROOT / "notebooks"
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
# Cell metadata worth keeping; everything else (execution timings, collapsed state...) is noise.
# "course" holds the course's own cell metadata (the exercises an answer reuses, see
# CONTRIBUTING.md).
CELL_METADATA_KEYS = ("nbgrader", "course", "tags", "deletable", "editable")


def assignments(source_dir: Path = SOURCE_DIR) -> list[str]:
    """Return the assignment names (folders of solutions/) in course order."""
    return sorted(
        path.name for path in source_dir.iterdir() if path.is_dir() and list(path.glob("*.ipynb"))
    )


def source_notebooks(source_dir: Path = SOURCE_DIR) -> list[Path]:
    """Return every source notebook in course order."""
    return sorted(source_dir.glob("*/*.ipynb"))


def is_checked(cell: nbformat.NotebookNode) -> bool:
    """True for code cells whose outputs nbval compares."""
    return cell.cell_type == "code" and CHECK_MARKER in cell.source


def normalise(notebook: nbformat.NotebookNode, keep_checked_outputs: bool) -> nbformat.NotebookNode:
    """Strip volatile content in place and return the notebook."""
    notebook.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    checked_count = 0
    for cell in notebook.cells:
        cell.metadata = nbformat.from_dict(
            {key: cell.metadata[key] for key in CELL_METADATA_KEYS if key in cell.metadata}
        )
        if cell.cell_type == "code":
            cell.execution_count = None
            if keep_checked_outputs and is_checked(cell):
                # nbval only compares cells that were run, so checked cells are numbered 1, 2, ...
                checked_count += 1
                cell.execution_count = checked_count
                for output in cell.outputs:
                    if "execution_count" in output:
                        output.execution_count = checked_count
            else:
                cell.outputs = []
        elif "outputs" in cell:
            del cell["outputs"]
    return notebook


def write(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook with the formatting every committed notebook shares."""
    nbformat.validate(notebook)
    path.write_text(nbformat.writes(notebook, version=4) + "\n", encoding="utf-8")


def clean(paths: list[Path]) -> None:
    """Normalise source notebooks, keeping only checked outputs."""
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        write(normalise(notebook, keep_checked_outputs=True), path)


def refresh_outputs(paths: list[Path]) -> None:
    """Execute source notebooks in fast mode and store the outputs nbval will compare."""
    from nbclient import NotebookClient

    os.environ["COURSE_MODE"] = "fast"
    for path in paths:
        print(f"Executing {path.relative_to(ROOT)} in fast mode...", flush=True)
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        write(normalise(notebook, keep_checked_outputs=True), path)


def expected_output_text(cell: nbformat.NotebookNode) -> str:
    """Return the text a checked cell printed or displayed (its stored outputs), or ''."""
    pieces = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stdout":
            pieces.append(output.text)
        elif output.output_type == "execute_result":
            pieces.append(output.get("data", {}).get("text/plain", "") + "\n")
    return "".join(pieces).rstrip("\n")


def expected_output_cell(cell: nbformat.NotebookNode, text: str) -> nbformat.NotebookNode:
    """Return the collapsible "Expected output" block shown under a checked cell."""
    fence = "````" if "```" in text else "```"
    block = nbformat.v4.new_markdown_cell(
        "<details><summary>Expected output (click to show)</summary>\n\n"
        f"{fence}text\n{text}\n{fence}\n\n</details>")
    # A stable id, so that regenerating the release gives the same file.
    block.id = f"{cell.get('id', 'cell')}-expected"[:64]
    return block


def student_edition(generated: nbformat.NotebookNode, source: nbformat.NotebookNode,
                    assignment: str) -> nbformat.NotebookNode:
    """Return what students get from nbgrader's generated notebook: no outputs and no markers.

    Under each cell whose output nbval checks, the output the source stores (written by
    ``make outputs``, never typed by hand) is added as a collapsible "Expected output" block,
    and the ``# NBVAL_CHECK_OUTPUT`` line, which means nothing to a student, is removed. Then
    the cells for hosted runtimes (course_grading.hosted) and the self-check at the end
    (course_grading.self_check) are added.
    """
    checked = {cell.get("id"): expected_output_text(cell) for cell in source.cells
               if is_checked(cell)}
    notebook = normalise(generated, keep_checked_outputs=False)
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        if is_checked(cell):
            cell.source = "\n".join(line for line in cell.source.split("\n")
                                    if line.strip() != CHECK_MARKER).lstrip("\n")
            text = checked.get(cell.get("id"), "")
            if text:
                cells.append(expected_output_cell(cell, text))
    notebook.cells = cells
    notebook = hosted.add_hosted_setup(notebook, assignment)
    return self_check.add_self_check_cell(notebook, assignment)


def looks_like_a_release(folder: Path) -> bool:
    """True for a folder that an earlier release wrote: an assignment-like name (``NN-name``)
    holding nothing but notebooks. Only such folders are removed as stale."""
    if not re.fullmatch(r"\d\d-[A-Za-z0-9-]+", folder.name):
        return False
    files = [path for path in folder.rglob("*")
             if path.is_file() and ".ipynb_checkpoints" not in path.parts]
    return bool(files) and all(path.suffix == ".ipynb" for path in files)


def release(output_dir: Path = RELEASE_DIR, db_url: str | None = None,
            names: list[str] | None = None) -> list[Path]:
    """Generate the student release of the assignments (default: all) into ``output_dir``.

    Uses nbgrader's generate_assignment with this repository's nbgrader_config.py. When no
    ``db_url`` is given, a throwaway gradebook is used, so regenerating the release never
    touches an instructor's gradebook. When every assignment is released, folders of
    ``output_dir`` that an earlier release wrote for an assignment that no longer exists are
    removed; nothing else in ``output_dir`` is touched.
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    ensure_tools_on_path()
    known = assignments()
    chosen = list(names) if names else known
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise ValueError(f"Unknown assignments {unknown}; solutions/ has {known}.")
    output_dir = Path(output_dir).resolve()
    with tempfile.TemporaryDirectory() as scratch:
        config = Config()
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config())
        config.CourseDirectory.root = str(ROOT)
        config.CourseDirectory.source_directory = "solutions"
        config.CourseDirectory.release_directory = str(Path(scratch) / "release")
        config.CourseDirectory.db_url = db_url or f"sqlite:///{scratch}/gradebook.db"
        api = NbGraderAPI(config=config)
        for name in chosen:
            result = api.generate_assignment(name, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(f"nbgrader could not generate {name}:\n{result.get('error')}"
                                   f"\n{result.get('log')}")
        generated = Path(scratch) / "release"
        output_dir.mkdir(parents=True, exist_ok=True)
        if not names:
            for stale in output_dir.iterdir():
                if stale.is_dir() and stale.name not in known and looks_like_a_release(stale):
                    shutil.rmtree(stale)
        written = []
        for name in chosen:
            target = output_dir / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated / name, target)
            for path in sorted(target.glob("*.ipynb")):
                source = nbformat.read(SOURCE_DIR / name / path.name, as_version=4)
                notebook = student_edition(nbformat.read(path, as_version=4), source, name)
                write(notebook, path)
                written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    release_parser = commands.add_parser("release", help="regenerate notebooks/ from solutions/")
    release_parser.add_argument("assignments", nargs="*", help="default: every assignment")
    release_parser.add_argument("--output", type=Path, default=RELEASE_DIR)
    release_parser.add_argument("--db", default=None, help="gradebook URL (default: throwaway)")
    for name in ("outputs", "clean"):
        sub = commands.add_parser(name)
        sub.add_argument("paths", nargs="*", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.command == "release":
        for path in release(arguments.output, arguments.db, arguments.assignments):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        return 0
    paths = [path.resolve() for path in arguments.paths] or source_notebooks()
    if arguments.command == "outputs":
        refresh_outputs(paths)
    else:
        clean(paths)
    return 0


if __name__ == "__main__":
    sys.exit(main())
