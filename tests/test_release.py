"""The student release (notebooks/) is generated from solutions/, in sync, and gives nothing away.

Also checks that every source notebook follows the course template and keeps only the outputs
nbval compares.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
import pytest
from grading import corpus

from course_grading import markers
from course_grading import release as tool

SOURCES = tool.source_notebooks()
ASSIGNMENTS = tool.assignments()


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def release_path(source: Path) -> Path:
    return tool.RELEASE_DIR / source.parent.name / source.name


def marked_lines(source: str, begin: str, end: str) -> list[str]:
    """Return the stripped, non-trivial lines between two nbgrader markers that do not also
    occur outside them (a line such as `else:` may appear on both sides)."""
    inside_lines, outside_lines = markers.split_region(source, begin, end)
    outside = {line.strip() for line in outside_lines}
    stripped = (line.strip() for line in inside_lines)
    return [line for line in stripped
            if len(line) > 3 and not line.startswith("#") and line not in outside]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("release")
    tool.release(output)
    return output


def test_there_is_a_release_for_every_assignment_and_nothing_else() -> None:
    assert ASSIGNMENTS, "no assignments found in solutions/"
    released = sorted(path.name for path in tool.RELEASE_DIR.iterdir() if path.is_dir())
    assert released == ASSIGNMENTS


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_committed_release_equals_what_make_release_writes(source: Path, regenerated) -> None:
    committed = release_path(source)
    assert committed.exists(), f"{committed} is missing: run `make release`"
    fresh = regenerated / source.parent.name / source.name
    committed_json = json.loads(committed.read_text())
    fresh_json = json.loads(fresh.read_text())
    assert committed_json == fresh_json, (
        f"{committed} differs from what `make release` generates from {source}: "
        "run `make release` and commit notebooks/."
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_release_has_no_outputs_solutions_or_hidden_tests(source: Path) -> None:
    release = read(release_path(source))
    text = release_path(source).read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"{marker} found in the student release"
    for cell in release.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]
    released_cells = {cell.id: cell for cell in release.cells}
    for cell in read(source).cells:
        grading = cell.metadata.get("nbgrader", {})
        released = released_cells[cell.id]
        released_lines = {line.strip() for line in released.source.splitlines()}
        if grading.get("solution") and cell.cell_type == "code":
            assert "raise NotImplementedError()" in released.source
            for line in marked_lines(cell.source, "BEGIN SOLUTION", "END SOLUTION"):
                assert line not in released_lines, f"solution line leaked: {line!r}"
        if grading.get("grade") and not grading.get("solution"):
            for line in marked_lines(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
                assert line not in released_lines, f"hidden test leaked: {line!r}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_sources_keep_only_checked_text_outputs(source: Path) -> None:
    notebook = read(source)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if not tool.is_checked(cell):
            assert cell.outputs == [], f"unchecked output stored: {cell.source[:60]!r}"
            assert cell.execution_count is None, f"execution count stored: {cell.source[:60]!r}"
        for output in cell.outputs:
            assert output.output_type in ("stream", "execute_result"), output.output_type
            assert "image/png" not in output.get("data", {})
    assert tool.normalise(copy.deepcopy(notebook), keep_checked_outputs=True) == notebook, (
        f"{source} carries volatile metadata: run `make clean-notebooks`."
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_source_follows_the_template(source: Path) -> None:
    notebook = read(source)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    number = source.parent.name[:2]
    assert re.match(rf"# {number} · \S", markdown[0]), "the first cell should be '# NN · Title'"
    assert "Learning objectives" in markdown[0] and "Estimated time" in markdown[0]
    headings = [line for text in markdown for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "## Setup"
    assert headings[-2:] == ["## Summary", "## Further reading"]
    numbered = [heading for heading in headings[1:-2]]
    assert all(re.match(r"## \d+\. ", heading) for heading in numbered), numbered
    assert len(notebook.cells) > 10


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_each_exercise_has_visible_and_hidden_tests(source: Path) -> None:
    cells = read(source).cells
    solution_cells = [cell for cell in cells if cell.metadata.get("nbgrader", {}).get("solution")]
    test_cells = [cell for cell in cells if cell.metadata.get("nbgrader", {}).get("grade")
                  and not cell.metadata["nbgrader"].get("solution")]
    assert len(test_cells) >= 3, "each notebook grades at least three exercises"
    notebook = read(source)
    graded = corpus.graded_cells(notebook)
    for grade_id, graded_cell in graded.items():
        assert graded_cell.exercise is not None, f"{grade_id} follows no answer cell"
    tested = {graded_cell.exercise for graded_cell in graded.values()}
    for cell in solution_cells:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        assert grade_id in tested, f"{grade_id}: an answer with no test cell after it"
    for cell in test_cells:
        grading = cell.metadata["nbgrader"]
        assert grading["points"] > 0 and grading["locked"], grading["grade_id"]
        assert grading["grade_id"].startswith("test-"), grading["grade_id"]
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "checks." in visible, f"{grading['grade_id']}: no visible test"
        assert marked_lines(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"), (
            f"{grading['grade_id']}: no hidden tests"
        )
    for cell in solution_cells:
        if cell.cell_type == "code":
            assert '"""' in cell.source, f"{cell.metadata['nbgrader']['grade_id']}: no docstring"
            assert "### BEGIN SOLUTION" in cell.source


def test_grade_ids_are_unique_across_the_course() -> None:
    seen: dict[str, str] = {}
    for source in SOURCES:
        for cell in read(source).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                assert grade_id not in seen, f"{grade_id} in {source} and {seen[grade_id]}"
                seen[grade_id] = str(source)
