"""Notebook 02 imports no TensorFlow, so it shows what Keras does in its text instead of running
Keras. These tests run Keras on the same inputs and check that the text is still true for the
installed version: the Conv2D error and output shape, to_categorical's rows, and the two
cross-entropy losses (the NumPy cell must compute what Keras computes)."""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from course_grading import release as release_tools
from helpers import settings

ASSIGNMENT = "02-reshaping-scaling"


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return nbformat.read(release_tools.SOURCE_DIR / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                         as_version=4)


@pytest.fixture(scope="module")
def keras():  # noqa: ANN201 (a module)
    settings.quiet_tensorflow()
    import keras

    return keras


def cell_with(notebook: nbformat.NotebookNode, text: str, kind: str) -> str:
    found = [cell.source for cell in notebook.cells
             if cell.cell_type == kind and text in cell.source]
    assert len(found) == 1, f"{ASSIGNMENT}: {len(found)} {kind} cells contain {text!r}"
    return found[0]


def quoted_error(markdown: str, start: str) -> str:
    """Return the quoted error line of a markdown cell that starts with ``start``."""
    line = next(line for line in markdown.splitlines() if line.startswith(start))
    return line.removeprefix("ValueError: ")


def test_notebook_02_does_not_import_tensorflow(notebook: nbformat.NotebookNode) -> None:
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert not re.search(r"^\s*(import|from)\s+(keras|tensorflow)\b", code, re.MULTILINE)
    assert "settings.setup(tensorflow=False)" in code


def test_the_conv2d_claims_hold(notebook: nbformat.NotebookNode, keras) -> None:  # noqa: ANN001
    text = cell_with(notebook, "expected min_ndim=4, found ndim=3", "markdown")
    quoted = quoted_error(text, "ValueError: Input 0")
    convolution = keras.layers.Conv2D(filters=8, kernel_size=3)
    with pytest.raises(ValueError) as raised:
        convolution(np.zeros((2, 28, 28), dtype="float32"))
    first_line = str(raised.value).splitlines()[0]
    assert "expected min_ndim=4, found ndim=3" in first_line
    assert "Full shape received: (2, 28, 28)" in first_line
    assert quoted.split(": ", 1)[1] == first_line.split(": ", 1)[1], (quoted, first_line)
    shape_text = cell_with(notebook, "# prints (2, 26, 26, 8)", "markdown")
    assert "Conv2D(filters=8, kernel_size=3)" in text and shape_text
    assert tuple(convolution(np.zeros((2, 28, 28, 1), dtype="float32")).shape) == (2, 26, 26, 8)


def test_the_to_categorical_rows_shown_are_what_keras_returns(
        notebook: nbformat.NotebookNode, keras) -> None:  # noqa: ANN001
    text = cell_with(notebook, "keras.utils.to_categorical(y_train[:4], num_classes=10)",
                     "markdown")
    block = text.split("```")[1]
    shown = np.array([[float(value) for value in re.findall(r"[01]\.", row)]
                      for row in block.strip().splitlines()])
    labels = np.array([5, 0, 4, 1])  # The first four MNIST training labels, printed above it.
    np.testing.assert_array_equal(shown, keras.utils.to_categorical(labels, num_classes=10))


def test_the_numpy_losses_are_the_keras_losses(notebook: nbformat.NotebookNode, keras) -> None:  # noqa: ANN001
    source = cell_with(notebook, "sparse_loss = ", "code")
    namespace: dict = {"np": np}
    exec(source.replace("# NBVAL_CHECK_OUTPUT\n", ""), namespace)  # noqa: S102 (our own cell)
    labels, one_hot = namespace["integer_labels"], namespace["one_hot_labels"]
    probabilities = namespace["probabilities"]
    np.testing.assert_array_equal(one_hot, keras.utils.to_categorical(labels, 3))
    sparse = float(keras.losses.SparseCategoricalCrossentropy()(labels, probabilities))
    dense = float(keras.losses.CategoricalCrossentropy()(one_hot, probabilities))
    assert namespace["sparse_loss"] == pytest.approx(sparse, abs=1e-5)
    assert namespace["dense_loss"] == pytest.approx(dense, abs=1e-5)
    mixed = cell_with(notebook, "Mixing them up fails", "markdown")
    quoted = quoted_error(mixed, "ValueError: Arguments")
    with pytest.raises(ValueError) as raised:
        keras.losses.CategoricalCrossentropy()(labels, probabilities)
    assert quoted in str(raised.value), (quoted, str(raised.value))
