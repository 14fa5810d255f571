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
    # Diagonal cells (right answers) start with the mark, so they stand out without colour.
    expected = [
        (evaluation.RIGHT_MARK if row == column else "") + str(matrix[row, column])
        for row in range(3) for column in range(3)
    ]
    assert cell_texts(figure) == expected
    axis = figure.axes[0]
    mark = evaluation.RIGHT_MARK
    assert axis.get_xlabel() == f"predicted class   ({mark} on the diagonal: right answers)"
    assert axis.get_ylabel() == "true class"
    assert [label.get_text() for label in axis.get_xticklabels()] == ["a", "b", "c"]


def test_plot_confusion_matrix_normalised_uses_two_decimals():
    matrix = np.array([[0.75, 0.25], [0.1, 0.9]])
    figure = evaluation.plot_confusion_matrix(matrix, normalised=True)
    mark = evaluation.RIGHT_MARK
    assert cell_texts(figure) == [f"{mark}0.75", "0.25", "0.10", f"{mark}0.90"]
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


# Notebook 05's deeper views of the errors (appended with them).


def texts_of(axis: plt.Axes) -> list[str]:
    return [text.get_text() for text in axis.texts if text.get_text()]


def test_plot_confusion_errors_writes_only_the_mistakes_and_marks_the_diagonal():
    matrix = np.array([[50, 3, 0], [0, 40, 1], [7, 0, 30]])
    figure = evaluation.plot_confusion_errors(matrix)
    axis = figure.axes[0]
    texts = texts_of(axis)
    assert sorted(text for text in texts if text != evaluation.RIGHT_MARK) == ["1", "3", "7"]
    assert texts.count(evaluation.RIGHT_MARK) == 3
    assert "11 images" in axis.get_title()
    assert axis.get_xlabel() == "predicted class"
    assert axis.get_ylabel() == "true class"


def test_plot_confusion_errors_draws_a_matrix_without_mistakes():
    figure = evaluation.plot_confusion_errors(np.diag([4, 5]))
    assert texts_of(figure.axes[0]) == [evaluation.RIGHT_MARK] * 2
    assert "0 images" in figure.axes[0].get_title()


@pytest.mark.parametrize("matrix", [np.zeros((2, 3)), np.array([[1, -1], [0, 2]]),
                                    np.array([["a", "b"], ["c", "d"]])])
def test_plot_confusion_errors_rejects_what_is_not_a_matrix_of_counts(matrix):
    with pytest.raises(ValueError, match="square|counts"):
        evaluation.plot_confusion_errors(matrix)


def test_plot_normalised_pair_shows_recall_and_precision_on_the_diagonals():
    figure = evaluation.plot_normalised_pair(np.array([[8, 2], [1, 3]]))
    rows_axis, columns_axis = figure.axes[:2]
    assert "recall" in rows_axis.get_title() and "precision" in columns_axis.get_title()
    mark = evaluation.RIGHT_MARK
    assert sorted(texts_of(rows_axis)) == sorted([".20", ".25", f"{mark}0.80", f"{mark}0.75"])
    assert sorted(texts_of(columns_axis)) == sorted([".40", ".11", f"{mark}0.89", f"{mark}0.60"])


def test_plot_normalised_pair_leaves_an_empty_class_blank():
    figure = evaluation.plot_normalised_pair(np.array([[3, 0], [0, 0]]))
    assert texts_of(figure.axes[0]) == [f"{evaluation.RIGHT_MARK}1.00", evaluation.RIGHT_MARK]


def test_plot_precision_recall_marks_each_threshold():
    figure = evaluation.plot_precision_recall(
        [0.5, 0.8, 1.0], [1.0, 0.6, 0.0], {"threshold 0.5": (0.6, 0.8)}, baseline=0.5)
    axis = figure.axes[0]
    labels = [text.get_text() for text in axis.get_legend().get_texts()]
    assert labels[-1] == "threshold 0.5: precision 0.800, recall 0.600"
    assert any("flag everything" in label for label in labels)


@pytest.mark.parametrize(("precision", "recall"), [([0.5, 1.0], [1.0]), ([1.0], [0.0]),
                                                   ([[0.5, 1.0]], [[1.0, 0.0]])])
def test_plot_precision_recall_rejects_curves_that_do_not_match(precision, recall):
    with pytest.raises(ValueError, match="precision_recall_curve"):
        evaluation.plot_precision_recall(precision, recall)


def test_plot_reliability_draws_filled_bins_and_marks_the_gaps():
    figure = evaluation.plot_reliability([np.nan, 0.3, 0.9], [np.nan, 0.6, 0.7], [0, 5, 20],
                                         threshold=0.9)
    top, bottom = figure.axes
    assert len(top.patches) == 2 and len(bottom.patches) == 3
    texts = texts_of(top)
    assert "▲" in texts and "▼" in texts
    assert any("threshold 0.9" in text for text in texts)


@pytest.mark.parametrize(("confidence", "accuracy", "counts"),
                         [([0.5], [0.5, 0.5], [1, 1]), ([0.5, 0.6], [0.5, 0.6], [1.0, 2.0]),
                          ([], [], []), ([0.5], [0.5], [-1])])
def test_plot_reliability_rejects_bins_that_do_not_match(confidence, accuracy, counts):
    with pytest.raises(ValueError):
        evaluation.plot_reliability(confidence, accuracy, np.asarray(counts))


def test_plot_misclassified_titles_each_image_with_a_cross():
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    figure = evaluation.plot_misclassified(images, [4, 7, 3], [9, 1, 5], [0.9, 0.8, 0.55])
    titles = [axis.get_title() for axis in figure.axes if axis.get_title()]
    assert titles == [f"{evaluation.WRONG_MARK} true 4, said 9\n(0.90)",
                      f"{evaluation.WRONG_MARK} true 7, said 1\n(0.80)",
                      f"{evaluation.WRONG_MARK} true 3, said 5\n(0.55)"]
    with pytest.raises(ValueError, match="one true label"):
        evaluation.plot_misclassified(images, [4, 7], [9, 1, 5], [0.9, 0.8, 0.55])
