"""Plots and tables for evaluating a classifier (notebook 05).

* ``plot_confusion_matrix``: a seaborn heatmap of a confusion matrix, counts or row-normalised.
* ``plot_per_class``: grouped bars of per-class scores (precision, recall, F1...).
* ``class_table``: one row per class, one column per score, as a pandas ``DataFrame``.

Nothing here computes a metric: notebook 05's exercises do that, and these functions only show
the numbers they are given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns


def _class_names(count: int, class_names: Sequence[str] | None) -> list[str]:
    if class_names is None:
        return [str(index) for index in range(count)]
    names = [str(name) for name in class_names]
    if len(names) != count:
        raise ValueError(f"Got {len(names)} class names for {count} classes; pass one per class "
                         f"or None for 0, 1, 2, ...")
    return names


def plot_confusion_matrix(
    matrix: np.ndarray,
    class_names: Sequence[str] | None = None,
    normalised: bool = False,
    title: str | None = None,
    size: float = 6.5,
) -> plt.Figure:
    """Draw a confusion matrix as an annotated heatmap (notebook 05).

    Rows are the true classes and columns the predicted classes, as in
    ``sklearn.metrics.confusion_matrix``. Pass counts with ``normalised=False`` (whole numbers are
    written in the cells), or a row-normalised matrix (each row sums to 1) with
    ``normalised=True`` (two decimals, colour scale from 0 to 1).
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"A confusion matrix is square (classes × classes), got shape "
                         f"{matrix.shape}. Pass the array from confusion_matrix(...).")
    names = _class_names(matrix.shape[0], class_names)
    figure, axis = plt.subplots(figsize=(size, size * 0.85), layout="constrained")
    if normalised:
        sns.heatmap(matrix, annot=True, fmt=".2f", cmap="Blues", vmin=0, vmax=1, square=True,
                    xticklabels=names, yticklabels=names, ax=axis, annot_kws={"fontsize": 8},
                    cbar_kws={"label": "share of the true class"})
    else:
        sns.heatmap(matrix, annot=True, fmt="d", cmap="Blues", square=True,
                    xticklabels=names, yticklabels=names, ax=axis, annot_kws={"fontsize": 8},
                    cbar_kws={"label": "number of images"})
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    axis.set_title(title or ("Confusion matrix, rows normalised" if normalised
                             else "Confusion matrix (counts)"))
    return figure


def plot_per_class(
    scores: Mapping[str, Sequence[float] | np.ndarray],
    class_names: Sequence[str] | None = None,
    title: str = "Scores per class",
    low: float | None = None,
) -> plt.Figure:
    """Grouped bar chart: for each class one bar per score, e.g. precision, recall and F1 (05).

    ``scores`` maps a score's name to one value per class. ``low`` sets the bottom of the value
    axis (all scores near 1 are easier to compare from, say, 0.9).
    """
    if not scores:
        raise ValueError("scores is empty; pass e.g. {'precision': [...], 'recall': [...]}.")
    values = {name: np.asarray(column, dtype=float) for name, column in scores.items()}
    lengths = {len(column) for column in values.values()}
    if len(lengths) != 1 or any(column.ndim != 1 for column in values.values()):
        raise ValueError(f"Every score needs one value per class; got lengths "
                         f"{ {name: column.shape for name, column in values.items()} }.")
    count = lengths.pop()
    names = _class_names(count, class_names)
    positions = np.arange(count)
    width = 0.8 / len(values)
    figure, axis = plt.subplots(figsize=(max(6, count * 0.8), 3.5), layout="constrained")
    for offset, (name, column) in enumerate(values.items()):
        axis.bar(positions + (offset - (len(values) - 1) / 2) * width, column, width, label=name)
    axis.set_xticks(positions, names)
    axis.set_xlabel("class")
    axis.set_title(title)
    if low is not None:
        axis.set_ylim(low, 1.0)
    axis.grid(axis="y", alpha=0.3)
    axis.legend(fontsize=8, loc="lower right")
    return figure


def class_table(
    class_names: Sequence[str] | None = None, decimals: int = 3, **columns: Sequence[float]
) -> pd.DataFrame:
    """Return a table with one row per class and one column per keyword argument (05).

    ``class_table(precision=p, recall=r, support=s)`` gives the columns precision, recall and
    support; floats are rounded to ``decimals``.
    """
    if not columns:
        raise ValueError("Pass at least one column, e.g. class_table(precision=[...]).")
    arrays = {name: np.asarray(column) for name, column in columns.items()}
    lengths = {name: len(column) for name, column in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise ValueError(f"Every column needs one value per class; got lengths {lengths}.")
    names = _class_names(next(iter(lengths.values())), class_names)
    table = pd.DataFrame(arrays, index=pd.Index(names, name="class"))
    return table.round(decimals)
