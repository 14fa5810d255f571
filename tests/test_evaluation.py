"""Tests for helpers.evaluation (notebook 05)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers import evaluation  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def cell_texts(figure: plt.Figure) -> list[str]:
    return [text.get_text() for text in figure.axes[0].texts]


def test_plot_confusion_matrix_writes_every_count():
    matrix = np.array([[5, 1, 0], [2, 6, 2], [0, 1, 3]])
    figure = evaluation.plot_confusion_matrix(matrix, class_names=["a", "b", "c"])
    assert cell_texts(figure) == [str(value) for value in matrix.ravel()]
    axis = figure.axes[0]
    assert axis.get_xlabel() == "predicted class" and axis.get_ylabel() == "true class"
    assert [label.get_text() for label in axis.get_xticklabels()] == ["a", "b", "c"]


def test_plot_confusion_matrix_normalised_uses_two_decimals():
    matrix = np.array([[0.75, 0.25], [0.1, 0.9]])
    figure = evaluation.plot_confusion_matrix(matrix, normalised=True)
    assert cell_texts(figure) == ["0.75", "0.25", "0.10", "0.90"]
    assert "normalised" in figure.axes[0].get_title()


@pytest.mark.parametrize("matrix", [np.zeros((2, 3)), np.zeros(4), np.zeros((0, 0))])
def test_plot_confusion_matrix_rejects_non_square_input(matrix):
    with pytest.raises(ValueError, match="square"):
        evaluation.plot_confusion_matrix(matrix)


def test_plot_confusion_matrix_rejects_wrong_class_names():
    with pytest.raises(ValueError, match="class names"):
        evaluation.plot_confusion_matrix(np.eye(3, dtype=int), class_names=["a", "b"])


def test_plot_per_class_draws_one_bar_per_class_and_score():
    figure = evaluation.plot_per_class({"precision": [0.9, 0.8, 1.0], "recall": [1, 0.5, 0.7]},
                                       low=0.4)
    axis = figure.axes[0]
    assert len(axis.patches) == 6
    assert axis.get_ylim() == (0.4, 1.0)
    assert [text.get_text() for text in axis.get_legend().get_texts()] == ["precision", "recall"]


@pytest.mark.parametrize("scores", [{}, {"precision": [1, 2], "recall": [1]},
                                    {"precision": [[1, 2]]}])
def test_plot_per_class_rejects_bad_scores(scores):
    with pytest.raises(ValueError):
        evaluation.plot_per_class(scores)


def test_class_table_has_one_row_per_class():
    table = evaluation.class_table(precision=[0.12345, 1.0], support=[10, 20])
    assert isinstance(table, pd.DataFrame)
    assert list(table.index) == ["0", "1"] and table.index.name == "class"
    assert list(table.columns) == ["precision", "support"]
    assert table.loc["0", "precision"] == pytest.approx(0.123)
    named = evaluation.class_table(class_names=["cat", "dog"], recall=[0.5, 0.25])
    assert list(named.index) == ["cat", "dog"]


def test_class_table_rejects_bad_columns():
    with pytest.raises(ValueError, match="column"):
        evaluation.class_table()
    with pytest.raises(ValueError, match="one value per class"):
        evaluation.class_table(precision=[1, 2], recall=[1])
