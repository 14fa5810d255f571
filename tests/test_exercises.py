"""Every notebook's exercises follow the rules in CONTRIBUTING.md ("Exercises and their tests").

These read the source notebooks only (nothing runs); tests/test_grading.py checks the same
rules in behaviour, by grading the corpus.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from grading import corpus

from course_grading import markers
from course_grading import release as release_tools

SOURCES = release_tools.source_notebooks()


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells
            if corpus.nbgrader_metadata(cell).get("grade") and cell.cell_type == "code"
            and not corpus.nbgrader_metadata(cell).get("solution")]


test_cells.__test__ = False  # A helper, not a test.


def statements(source: str) -> list[ast.stmt]:
    return ast.parse(source).body


def is_passed_call(statement: ast.stmt) -> bool:
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and ast.unparse(statement.value.func) == "checks.passed")


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_each_test_cell_has_a_visible_part_that_ends_with_passed(source: Path) -> None:
    """Visible part: a '# Visible test:' first line, its own `from helpers import checks`,
    checks, and `checks.passed(...)` last; then '# Graded: ...' and the hidden part, which
    never calls checks.passed."""
    for cell in test_cells(read(source)):
        grade_id = corpus.nbgrader_metadata(cell)["grade_id"]
        visible = cell.source.split(markers.BEGIN_HIDDEN)[0]
        hidden = "\n".join(markers.hidden_test_lines(cell.source))
        assert cell.source.startswith("# Visible test: "), f"{grade_id}: first line"
        assert "from helpers import checks" in visible, f"{grade_id}: import checks itself"
        body = statements(visible)
        assert body and is_passed_call(body[-1]), (
            f"{grade_id}: the visible part must end with checks.passed(...)")
        assert sum(is_passed_call(statement) for statement in ast.walk(ast.parse(visible))
                   if isinstance(statement, ast.stmt)) == 1, f"{grade_id}: one checks.passed"
        assert "checks.passed(" not in hidden, f"{grade_id}: the hidden part calls passed"
        assert re.search(r"^# Graded: ", visible, re.MULTILINE), (
            f"{grade_id}: say what the hidden part re-checks ('# Graded: ...')")
        assert hidden.strip(), f"{grade_id}: no hidden tests"


def defined_names(source: str) -> set[str]:
    try:
        tree = ast.parse(markers.without_solution_markers(source))
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef,
                                                                  ast.ClassDef))}


def used_names(source: str) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_each_exercise_is_graded_on_its_own(source: Path) -> None:
    """A test cell uses no function of another exercise's answer, unless its answer cell
    declares that it reuses that exercise (course.requires), and each declaration names an
    earlier exercise whose function the exercise's text mentions."""
    notebook = read(source)
    answers = corpus.solution_cells(notebook)
    defined = {grade_id: defined_names(cell.source) for grade_id, cell in answers.items()}
    order = list(answers)
    graded = corpus.graded_cells(notebook)
    for cell in test_cells(notebook):
        grade_id = corpus.nbgrader_metadata(cell)["grade_id"]
        exercise = graded[grade_id].exercise
        allowed = set(corpus.required_closure(notebook, exercise))
        used = used_names(cell.source)
        for other, names in defined.items():
            if other not in allowed and used & names:
                pytest.fail(f"{grade_id} uses {sorted(used & names)} from {other}'s answer; "
                            "build the fixture in the test, or declare the reuse.")
    markdown_before: dict[str, str] = {}
    text = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text.append(cell.source)
        grade_id = corpus.nbgrader_metadata(cell).get("grade_id")
        if grade_id in answers:
            markdown_before[grade_id] = "\n".join(text[-3:])
        if grade_id and corpus.nbgrader_metadata(cell).get("grade"):
            text = []
    for grade_id, cell in answers.items():
        for required in corpus.requires(cell):
            assert required in order[: order.index(grade_id)], (
                f"{grade_id} requires {required}, which is not an earlier exercise")
            names = defined[required]
            assert any(name in markdown_before[grade_id] for name in names), (
                f"{grade_id} reuses {required}; its text must say so (mention {sorted(names)})")


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_each_notebook_has_a_reflection_graded_by_hand(source: Path) -> None:
    """One written reflection: a manually graded markdown answer with points, asked by a
    markdown cell headed 'Reflection' that says it is graded by hand."""
    cells = read(source).cells
    reflections = [index for index, cell in enumerate(cells) if cell.cell_type == "markdown"
                   and corpus.nbgrader_metadata(cell).get("solution")
                   and corpus.nbgrader_metadata(cell).get("grade")]
    assert reflections, "no manually graded written answer"
    for index in reflections:
        assert corpus.nbgrader_metadata(cells[index])["points"] > 0
        question = cells[index - 1].source
        assert "Reflection" in question and "graded by hand" in question, question[:120]


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_each_notebook_has_predict_then_run_prompts(source: Path) -> None:
    """Two or three ungraded 'Predict, then run' prompts, each answered in a collapsible block."""
    markdown = [cell.source for cell in read(source).cells if cell.cell_type == "markdown"]
    prompts = [text for text in markdown if "Predict, then run" in text]
    assert 2 <= len(prompts) <= 4, f"{len(prompts)} prompts"
    answers = [text for text in markdown if "<details>" in text and "Answer" in text]
    assert len(answers) >= len(prompts)


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_every_figure_has_a_text_alternative(source: Path) -> None:
    """Figures are shown with plots.show("alt text"), never plt.show() or fig.show()."""
    for cell in read(source).cells:
        if cell.cell_type == "code":
            assert "plt.show()" not in cell.source and ".show()" not in cell.source.replace(
                "plots.show(", ""), f"use plots.show(alt) in: {cell.source[:80]!r}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.parent.name)
def test_the_overview_states_the_points(source: Path) -> None:
    """The overview's "Points" line adds up to the points of the graded cells."""
    notebook = read(source)
    total = sum(cell.points for cell in corpus.graded_cells(notebook).values())
    overview = notebook.cells[0].source
    stated = re.search(r"\*\*Points:\*\*\s*(\d+)", overview)
    assert stated, "the overview should say '**Points:** N, ...'"
    assert int(stated.group(1)) == total, (
        f"the overview says {stated.group(1)} points, the graded cells add up to {total}")
