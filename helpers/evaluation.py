"""Plots and tables for evaluating a classifier (notebook 05).

* ``plot_confusion_matrix``: a seaborn heatmap of a confusion matrix, counts or row-normalised.
* ``plot_per_class``: grouped bars of per-class scores (precision, recall, F1...).
* ``class_table``: one row per class, one column per score, as a pandas ``DataFrame``.
* ``plot_misclassified``: a grid of wrong answers, each titled ✗ with the true and predicted label.
* ``plot_confusion_errors``: the mistakes of a confusion matrix alone, the diagonal greyed out.
* ``plot_normalised_pair``: a confusion matrix normalised by rows (recall) and by columns
  (precision), side by side.
* ``plot_precision_recall``: a precision-recall curve with chosen thresholds marked.
* ``plot_reliability``: a reliability (calibration) diagram from confidence bins.

Nothing here computes a metric: notebook 05's exercises do that, and these functions only show
the numbers they are given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from helpers import plots


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
    ``normalised=True`` (two decimals, colour scale from 0 to 1). The diagonal, the right
    answers, is outlined and its numbers start with ✓, so that it stands out without colour; the
    colour map, ColorBrewer's single-hue ``Blues`` (light for few images, dark for many), reads
    the same with every common colour-vision deficiency.
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"A confusion matrix is square (classes × classes), got shape "
                         f"{matrix.shape}. Pass the array from confusion_matrix(...).")
    names = _class_names(matrix.shape[0], class_names)
    figure, axis = plt.subplots(figsize=(size, size * 0.85), layout="constrained")
    text = np.vectorize((lambda value: f"{value:.2f}") if normalised
                        else (lambda value: f"{value:.0f}"), otypes=[object])(matrix)
    for index in range(len(matrix)):
        text[index, index] = f"{plots.RIGHT_MARK}{text[index, index]}"
    scale = {"vmin": 0, "vmax": 1} if normalised else {}
    sns.heatmap(matrix, annot=text, fmt="", cmap="Blues", square=True, xticklabels=names,
                yticklabels=names, ax=axis, annot_kws={"fontsize": 8}, **scale,
                cbar_kws={"label": "share of the true class" if normalised
                          else "number of images"})
    for index in range(len(matrix)):
        axis.add_patch(plt.Rectangle((index, index), 1, 1, fill=False, edgecolor="black",
                                     linewidth=1.5))
    axis.set_xlabel(f"predicted class   ({plots.RIGHT_MARK} on the diagonal: right answers)")
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
    # A hatch pattern per score as well as a colour, so that the legend reads without colour.
    hatches = ("", "//", "..", "xx", "\\\\", "oo")
    for offset, (name, column) in enumerate(values.items()):
        axis.bar(positions + (offset - (len(values) - 1) / 2) * width, column, width, label=name,
                 hatch=hatches[offset % len(hatches)], edgecolor="white", linewidth=0.5)
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


# ---------------------------------------------------------------------------------------------
# Notebook 05, deeper into the errors: the mistakes alone, rows and columns normalised, a
# precision-recall curve and a reliability diagram. Like the functions above, these only draw
# the numbers they are given.
# ---------------------------------------------------------------------------------------------

RIGHT_MARK = "✓"
WRONG_MARK = "✗"
# Colour-blind-safe colours (Okabe and Ito): blue, vermillion, bluish green, and grey for cells
# that show no colour scale.
_BLUE, _VERMILLION, _GREEN, _LIGHT_GREY = "#0072B2", "#D55E00", "#009E73", "#EBEBEB"
_ERRORS_COLOUR_MAP = "cividis_r"


def _square_matrix(matrix: np.ndarray, what: str) -> np.ndarray:
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"{what} is square (classes × classes), got shape {matrix.shape}. "
                         "Pass the array from confusion_matrix(...).")
    if matrix.dtype.kind not in "iuf" or np.any(matrix < 0) or not np.all(np.isfinite(matrix)):
        raise ValueError(f"{what} should hold counts (numbers >= 0); got dtype {matrix.dtype}, "
                         "or a negative or missing value.")
    return matrix


def _mark_diagonal(axis: plt.Axes, labels: Sequence[str]) -> None:
    """Grey the diagonal cells of a heatmap and write ✓ and a label in each."""
    for index, label in enumerate(labels):
        axis.add_patch(plt.Rectangle((index, index), 1, 1, facecolor=_LIGHT_GREY,
                                     edgecolor="white", linewidth=1, zorder=2))
        axis.text(index + 0.5, index + 0.5, f"{RIGHT_MARK}{label}", ha="center", va="center",
                  fontsize=7, color="0.25", zorder=3)


def _errors_heatmap(axis: plt.Axes, values: np.ndarray, names: list[str], text: np.ndarray,
                    maximum: float, colour_label: str, show_colour_bar: bool = True) -> None:
    """Draw the off-diagonal ``values`` of a square matrix; zeros and the diagonal stay blank."""
    off_diagonal = ~np.eye(len(values), dtype=bool)
    hidden = ~off_diagonal | (values <= 0)
    sns.heatmap(np.where(hidden, np.nan, values), mask=hidden, annot=np.where(hidden, "", text),
                fmt="", cmap=_ERRORS_COLOUR_MAP, vmin=0, vmax=max(maximum, 1e-12), square=True,
                linewidths=0.5, linecolor="white", xticklabels=names, yticklabels=names,
                ax=axis, cbar=show_colour_bar, annot_kws={"fontsize": 7},
                cbar_kws={"label": colour_label, "shrink": 0.8})
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    for spine in axis.spines.values():
        spine.set_visible(True)
        spine.set_color("0.7")


def plot_confusion_errors(
    matrix: np.ndarray,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    size: float = 6.5,
) -> plt.Figure:
    """Draw only the mistakes of a confusion matrix of counts (notebook 05).

    In the usual heatmap the diagonal (right answers, hundreds per class) sets the colour scale
    and every mistake looks the same. Here the colour scale spans the off-diagonal counts alone;
    cells with no mistake stay white, and the diagonal is greyed out with ✓ and its count.
    Rows are true classes, columns predicted classes, as in ``sklearn.metrics.confusion_matrix``.
    """
    counts = _square_matrix(matrix, "A confusion matrix")
    names = _class_names(counts.shape[0], class_names)
    off_diagonal = counts * (1 - np.eye(len(counts), dtype=counts.dtype))
    text = np.vectorize(lambda value: f"{value:g}")(counts)
    figure, axis = plt.subplots(figsize=(size, size * 0.85), layout="constrained")
    _errors_heatmap(axis, off_diagonal, names, text, float(off_diagonal.max()),
                    f"number of images ({WRONG_MARK} mistakes only)")
    _mark_diagonal(axis, ["" for _ in names])
    total = int(off_diagonal.sum())
    axis.set_title(title or f"Mistakes only ({total} images); {RIGHT_MARK} diagonal = right "
                            "answers, not coloured")
    return figure


def plot_normalised_pair(
    matrix: np.ndarray,
    class_names: Sequence[str] | None = None,
    size: float = 5.5,
) -> plt.Figure:
    """Draw a confusion matrix normalised by rows and by columns, side by side (notebook 05).

    Left, each row divided by its sum: where the images of each true class went; its diagonal
    is the recall of each class. Right, each column divided by its sum: what the images
    predicted as each class really were; its diagonal is the precision of each class. The
    diagonals are written in grey cells with ✓; the colours show the shares of the mistakes
    (off the diagonal), on one scale for both panels. A row or column with no images is left
    blank.
    """
    counts = _square_matrix(matrix, "A confusion matrix").astype(float)
    names = _class_names(counts.shape[0], class_names)
    row_sums = counts.sum(axis=1, keepdims=True)
    column_sums = counts.sum(axis=0, keepdims=True)
    by_rows = np.divide(counts, row_sums, out=np.zeros_like(counts), where=row_sums > 0)
    by_columns = np.divide(counts, column_sums, out=np.zeros_like(counts),
                           where=column_sums > 0)
    off_diagonal = ~np.eye(len(counts), dtype=bool)
    maximum = float(max(by_rows[off_diagonal].max(initial=0), by_columns[off_diagonal].max(
        initial=0)))
    figure, axes = plt.subplots(1, 2, figsize=(2 * size, size * 0.9), layout="constrained")
    panels = (
        (axes[0], by_rows, row_sums[:, 0], "Rows normalised: where each true class went\n"
                                           f"({RIGHT_MARK} diagonal = recall)"),
        (axes[1], by_columns, column_sums[0], "Columns normalised: what each prediction was\n"
                                              f"({RIGHT_MARK} diagonal = precision)"),
    )
    for position, (axis, shares, sums, title) in enumerate(panels):
        text = np.vectorize(lambda share: f"{share:.2f}".lstrip("0"))(shares)
        _errors_heatmap(axis, shares, names, text, maximum, "share of the row or column",
                        show_colour_bar=position == 1)
        _mark_diagonal(axis, [f"{shares[k, k]:.2f}" if sums[k] > 0 else ""
                              for k in range(len(names))])
        axis.set_title(title, fontsize=10)
    return figure


def plot_precision_recall(
    precision: Sequence[float] | np.ndarray,
    recall: Sequence[float] | np.ndarray,
    marked: Mapping[str, tuple[float, float]] | None = None,
    title: str = "Precision-recall curve",
    baseline: float | None = None,
) -> plt.Figure:
    """Draw a precision-recall curve and mark chosen thresholds on it (notebook 05).

    ``precision`` and ``recall`` are the arrays ``sklearn.metrics.precision_recall_curve``
    returns (one point per threshold). ``marked`` maps a label (such as ``"threshold 0.5"``) to
    the ``(recall, precision)`` of that threshold, drawn as a symbol with its label.
    ``baseline`` draws the precision of a classifier that flags everything (the share of
    positives) as a dashed line.
    """
    precision = np.asarray(precision, dtype=float)
    recall = np.asarray(recall, dtype=float)
    if precision.ndim != 1 or precision.shape != recall.shape or len(precision) < 2:
        raise ValueError(f"precision and recall should be 1-D arrays of the same length (at "
                         f"least 2 points), got shapes {precision.shape} and {recall.shape}. "
                         "Pass the first two arrays from precision_recall_curve(...).")
    figure, axis = plt.subplots(figsize=(5.5, 4.2), layout="constrained")
    axis.step(recall, precision, where="post", color=_BLUE, linewidth=1.8,
              label="every threshold")
    if baseline is not None:
        axis.axhline(baseline, color="0.5", linestyle="--", linewidth=1,
                     label=f"flag everything (precision {baseline:.2f})")
    markers = ("o", "s", "^", "D", "v")
    colours = (_VERMILLION, _GREEN, "black", "#CC79A7", "#E69F00")
    for index, (label, (point_recall, point_precision)) in enumerate((marked or {}).items()):
        axis.plot(point_recall, point_precision, markers[index % len(markers)], markersize=9,
                  color=colours[index % len(colours)], markeredgecolor="white",
                  label=f"{label}: precision {point_precision:.3f}, recall {point_recall:.3f}",
                  zorder=3)
    axis.set_xlabel("recall (share of the true positives found)")
    axis.set_ylabel("precision (share of the flagged that are right)")
    axis.set_xlim(0, 1.02)
    axis.set_ylim(0, 1.02)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="lower left")
    axis.set_title(title)
    return figure


def plot_reliability(
    mean_confidence: Sequence[float] | np.ndarray,
    accuracy: Sequence[float] | np.ndarray,
    counts: Sequence[int] | np.ndarray,
    threshold: float | None = None,
    title: str = "Reliability diagram",
) -> plt.Figure:
    """Draw a reliability (calibration) diagram from equal-width confidence bins (notebook 05).

    ``mean_confidence``, ``accuracy`` and ``counts`` hold one value per bin of [0, 1] (NaN for
    an empty bin), as notebook 05's ``reliability_bins`` returns them. Top: the accuracy of
    each bin as a bar, the mean confidence as a dot, and the diagonal that a perfectly
    calibrated model would follow (bars below it: overconfident, ▼; above it: underconfident,
    ▲). Bottom: how many answers fall in each bin (log scale). ``threshold`` draws a vertical
    line, such as notebook 04's "unsure" threshold.
    """
    mean_confidence = np.asarray(mean_confidence, dtype=float)
    accuracy = np.asarray(accuracy, dtype=float)
    counts = np.asarray(counts)
    if not (mean_confidence.ndim == 1 and mean_confidence.shape == accuracy.shape
            == counts.shape and len(counts) > 0):
        raise ValueError(f"Pass one value per bin in each of mean_confidence, accuracy and "
                         f"counts; got shapes {mean_confidence.shape}, {accuracy.shape} and "
                         f"{counts.shape}.")
    if counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise ValueError(f"counts should be whole numbers >= 0, got {counts.dtype}.")
    bins = len(counts)
    width = 1.0 / bins
    centres = (np.arange(bins) + 0.5) * width
    filled = counts > 0
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(6, 6), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1]},
                                         layout="constrained")
    top.plot([0, 1], [0, 1], linestyle="--", color="0.4", linewidth=1,
             label="perfectly calibrated")
    top.bar(centres[filled], accuracy[filled], width=width * 0.9, color=_BLUE, alpha=0.8,
            label="accuracy of the bin")
    top.plot(mean_confidence[filled], accuracy[filled], "o", color="black", markersize=4,
             label="mean confidence of the bin")
    for centre, bin_accuracy, bin_confidence in zip(centres[filled], accuracy[filled],
                                                   mean_confidence[filled], strict=True):
        gap = bin_accuracy - bin_confidence
        if abs(gap) >= 0.02:
            top.text(centre, min(bin_accuracy, 1.0) + 0.02, "▲" if gap > 0 else "▼",
                     ha="center", fontsize=8, color=_GREEN if gap > 0 else _VERMILLION)
    bottom.bar(centres, np.where(filled, counts, 0), width=width * 0.9, color="0.45")
    bottom.set_yscale("symlog", linthresh=1)
    bottom.set_ylabel("answers")
    bottom.set_xlabel("confidence (the top predicted probability)")
    if threshold is not None:
        for axis in (top, bottom):
            axis.axvline(threshold, color=_VERMILLION, linewidth=1.5, linestyle=":")
        top.text(threshold - 0.015, 0.04, f"threshold {threshold:g}:\nunsure below",
                 ha="right", fontsize=8, color=_VERMILLION, zorder=4,
                 bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9, "pad": 1.5})
    top.set_xlim(0, 1)
    top.set_ylim(0, 1.08)
    top.set_ylabel("accuracy")
    top.grid(alpha=0.3)
    top.legend(fontsize=8, loc="upper left")
    top.set_title(f"{title} (▼ overconfident, ▲ underconfident)")
    return figure


def plot_misclassified(
    images: np.ndarray,
    true_labels: Sequence[int] | np.ndarray,
    predicted_labels: Sequence[int] | np.ndarray,
    probabilities: Sequence[float] | np.ndarray,
    title: str = "Misclassified examples",
    columns: int = 8,
) -> plt.Figure:
    """Show misclassified images, each titled ✗ with its true label, the prediction and the
    probability the model gave it (notebook 05).

    The cross marks a wrong answer for readers who cannot tell the title's colour.
    """
    true_labels = np.asarray(true_labels)
    predicted_labels = np.asarray(predicted_labels)
    probabilities = np.asarray(probabilities, dtype=float)
    count = len(np.asarray(images))
    if not (len(true_labels) == len(predicted_labels) == len(probabilities) == count) or not count:
        raise ValueError(f"Pass one true label, one prediction and one probability per image "
                         f"(at least one image); got {count} images, {len(true_labels)} labels, "
                         f"{len(predicted_labels)} predictions, {len(probabilities)} "
                         "probabilities.")
    titles = [f"{WRONG_MARK} true {true}, said {said}\n({probability:.2f})"
              for true, said, probability in zip(true_labels, predicted_labels, probabilities,
                                                 strict=True)]
    figure = plots.image_grid(images, titles=titles, columns=columns, size=1.6,
                              title_colors=[_VERMILLION] * count, suptitle=title)
    figure.subplots_adjust(hspace=0.55)  # Room for the two-line titles.
    return figure
