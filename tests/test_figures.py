"""Figures everyone can read: alt text on every image, colour-blind-safe colours, and right and
wrong marked by a symbol as well as a colour.

The alt text of the figures the notebooks really show is checked while nbval executes them (the
plugin in tests/figure_alt_text.py, loaded by the repository's conftest.py); the tests here check
that plugin, the plotting helpers, and what the source notebooks' code asks for.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from figure_alt_text import images_without_alt_text  # noqa: E402

from helpers import evaluation, plots  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "solutions").glob("*/*.ipynb"))
PNG = "iVBORw0KGgo="


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# Alt text.
# ---------------------------------------------------------------------------------------------


def test_show_puts_the_alt_text_in_the_output_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects, **_: shown.extend(objects))
    figure, axis = plt.subplots()
    axis.plot([0, 1], [1, 0])
    plots.show("  A falling line.  ", figure)
    (image,) = shown
    data, metadata = image._repr_mimebundle_()
    assert "image/png" in data
    assert metadata == {"image/png": {"alt": "A falling line."}}
    assert not plt.fignum_exists(figure.number), "show closes the figure"


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_show_refuses_a_figure_without_alt_text(alt) -> None:
    plt.subplots()
    with pytest.raises(ValueError, match="alt"):
        plots.show(alt)


def test_the_check_counts_images_and_names_those_without_alt_text() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "hello"},
        {"output_type": "display_data", "data": {"image/png": PNG, "text/plain": "<Figure>"},
         "metadata": {"image/png": {"alt": "Ten digits."}}},
        {"output_type": "display_data", "data": {"image/png": PNG, "text/plain": "<Figure 1>"},
         "metadata": {}},
        {"output_type": "execute_result", "data": {"image/svg+xml": "<svg/>"},
         "metadata": {"image/svg+xml": {"alt": "  "}}},
        {"output_type": "display_data", "data": {"text/plain": "no image"}, "metadata": {}},
    ]
    count, missing = images_without_alt_text(outputs)
    assert count == 3
    assert len(missing) == 2 and "<Figure 1>" in missing[0] and "svg" in missing[1]
    assert images_without_alt_text([]) == (0, [])


def test_the_check_is_loaded_for_every_run(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.has_plugin("figure_alt_text"), (
        "conftest.py at the repository's root should load tests/figure_alt_text.py")


NOTEBOOK_CELLS = [
    # Cell 0: set-up.
    "import matplotlib.pyplot as plt\nfrom helpers import plots",
    # Cell 1: plt.show() gives an image without alt text.
    "plt.plot([0, 1], [0, 1])\nplt.show()",
    # Cell 2: plots.show gives alt text.
    "plt.plot([0, 1], [1, 0])\nplots.show('A falling line.')",
    # Cell 3: a figure left for Jupyter to draw at the end of the cell.
    "figure, axis = plt.subplots()\naxis.bar([0, 1], [2, 3])",
    # Cell 4: no figure at all.
    "print('no figure')",
]


@pytest.mark.slow
def test_the_plugin_fails_exactly_the_cells_that_show_a_figure_without_alt_text(
        tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = tmp_path / "figures.ipynb"
    nbformat.write(notebook, path)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["PYTHONPATH"] = str(ROOT / "tests")
    environment["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-p", "figure_alt_text",
         "--nbval-lax", "--nbval-current-env", "-c", str(tmp_path / "pytest.ini"),
         "--rootdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=environment, check=False)
    outcomes = dict(re.findall(r"::Cell (\d+) (PASSED|FAILED)", result.stdout))
    assert outcomes == {"0": "PASSED", "1": "FAILED", "2": "PASSED", "3": "FAILED",
                        "4": "PASSED"}, result.stdout[-3000:]
    assert result.stdout.count("without alt text") >= 2
    assert "alt text: 3 images in 3 notebook cells checked" in result.stdout


# ---------------------------------------------------------------------------------------------
# What the source notebooks ask for (static: no execution).
# ---------------------------------------------------------------------------------------------


def code_cells(path: Path) -> list[tuple[int, str]]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [(index, "".join(cell["source"])) for index, cell in enumerate(notebook["cells"])
            if cell["cell_type"] == "code"]


def calls(source: str, attribute: str) -> list[ast.Call]:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return [node for node in ast.walk(ast.parse("\n".join(lines)))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == attribute]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.parent.name)
def test_notebooks_show_figures_with_alt_text(path: Path) -> None:
    """No plt.show() (it gives no alt text); every plots.show(...) gets a sentence."""
    problems = []
    for index, source in code_cells(path):
        for call in calls(source, "show"):
            owner = call.func.value
            name = owner.id if isinstance(owner, ast.Name) else ""
            if name == "plt":
                problems.append(f"cell {index}: plt.show(); use plots.show(\"...\")")
            elif name == "plots":
                alt = call.args[0] if call.args else next(
                    (keyword.value for keyword in call.keywords if keyword.arg == "alt"), None)
                if isinstance(alt, ast.Constant) and not str(alt.value).strip():
                    problems.append(f"cell {index}: plots.show with empty alt text")
                elif alt is None:
                    problems.append(f"cell {index}: plots.show without alt text")
    assert not problems, problems


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.parent.name)
def test_right_and_wrong_are_marked_by_a_symbol_in_image_grids(path: Path) -> None:
    """A grid that colours titles by right or wrong passes ``correct=`` (✓/✗ and colour), not
    colours alone."""
    problems = []
    for index, source in code_cells(path):
        for call in calls(source, "image_grid"):
            keywords = {keyword.arg for keyword in call.keywords}
            if "title_colors" in keywords and "correct" not in keywords:
                problems.append(f"cell {index}: image_grid(title_colors=...) marks right or "
                                "wrong by colour only; pass correct=[...] (✓/✗) instead")
    assert not problems, problems


# ---------------------------------------------------------------------------------------------
# Colours and symbols in the shared plotting helpers.
# ---------------------------------------------------------------------------------------------

# Okabe and Ito (2008), "Color universal design".
OKABE_ITO = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000"}


def test_course_style_uses_the_colour_blind_safe_palette() -> None:
    plt.rcParams["axes.prop_cycle"] = matplotlib.rcParamsDefault["axes.prop_cycle"]
    plots.use_course_style()
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [colour.upper() for colour in colours] == [colour.upper() for colour in plots.PALETTE]
    assert {colour.upper() for colour in plots.PALETTE} == OKABE_ITO
    assert plt.rcParams["image.cmap"] == "viridis"
    assert plots.RIGHT_COLOR in plots.PALETTE and plots.WRONG_COLOR in plots.PALETTE


def test_setup_applies_the_course_style() -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
            import matplotlib.pyplot as plt
            from helpers import settings
            settings.setup(tensorflow=False)
            print(plt.rcParams["axes.prop_cycle"].by_key()["color"][0])
        """)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == plots.PALETTE[0]


def test_image_grid_marks_right_and_wrong_with_a_symbol_and_a_colour() -> None:
    figure = plots.image_grid(np.zeros((3, 8, 8)), titles=["true 1, said 1", "true 2, said 7",
                                                           "true 3, said 3"],
                              correct=[True, False, np.True_])
    titles = [axis.title for axis in figure.axes]
    assert [title.get_text() for title in titles] == ["✓ true 1, said 1", "✗ true 2, said 7",
                                                      "✓ true 3, said 3"]
    assert [title.get_color() for title in titles] == [plots.RIGHT_COLOR, plots.WRONG_COLOR,
                                                       plots.RIGHT_COLOR]


def test_image_grid_marks_without_titles_and_keeps_chosen_colours() -> None:
    figure = plots.image_grid(np.zeros((2, 8, 8)), correct=[False, True],
                              title_colors=["black", "black"])
    assert [axis.title.get_text() for axis in figure.axes] == ["✗", "✓"]
    assert [axis.title.get_color() for axis in figure.axes] == ["black", "black"]


@pytest.mark.parametrize("correct", [[True], "yes", [True, False, True]])
def test_image_grid_needs_one_mark_per_image(correct) -> None:
    with pytest.raises(ValueError, match="one True"):
        plots.image_grid(np.zeros((2, 8, 8)), correct=correct)


def test_learning_curves_tell_validation_from_training_without_colour() -> None:
    figure = plots.learning_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    training, validation = figure.axes[0].get_lines()
    assert (training.get_marker(), training.get_linestyle()) == ("o", "-")
    assert (validation.get_marker(), validation.get_linestyle()) == ("s", "--")


@pytest.mark.parametrize("normalised", [False, True])
def test_confusion_matrix_marks_the_right_answers_with_a_symbol(normalised: bool) -> None:
    matrix = np.array([[50, 2, 0], [3, 40, 1], [0, 0, 60]])
    shown = matrix / matrix.sum(axis=1, keepdims=True) if normalised else matrix
    figure = evaluation.plot_confusion_matrix(shown, normalised=normalised)
    axis = figure.axes[0]
    texts = {(round(text.get_position()[1] - 0.5), round(text.get_position()[0] - 0.5)):
             text.get_text() for text in axis.texts}
    for row in range(3):
        for column in range(3):
            marked = texts[(row, column)].startswith(plots.RIGHT_MARK)
            assert marked == (row == column), texts
    assert texts[(0, 0)] == ("✓0.96" if normalised else "✓50")
    assert texts[(1, 0)] == ("0.07" if normalised else "3")
    outlined = [patch for patch in axis.patches if not patch.get_fill()]
    assert sorted(patch.get_xy() for patch in outlined) == [(0, 0), (1, 1), (2, 2)]
    assert plots.RIGHT_MARK in axis.get_xlabel()


def test_per_class_bars_differ_by_pattern_as_well_as_colour() -> None:
    figure = evaluation.plot_per_class({"precision": [0.9, 0.8], "recall": [0.7, 0.95],
                                        "F1": [0.8, 0.87]})
    hatches = {patch.get_hatch() or "" for patch in figure.axes[0].patches}
    assert len(hatches) == 3
