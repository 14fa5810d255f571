"""Plots shared by the notebooks, so that a lesson's cells show the idea, not the styling.

* ``show``: display a figure with its text alternative (alt text) for screen readers (01-06).
* ``image_grid``: a grid of images with titles (01, 05, 06).
* ``bar_counts``: a bar chart of counts per class (01, 06).
* ``learning_curves``: loss and accuracy per epoch from a Keras ``History`` (04, 06).
* ``PALETTE``, ``RIGHT_COLOR``, ``WRONG_COLOR``, ``RIGHT_MARK``, ``WRONG_MARK`` and
  ``use_course_style``: colour-blind-safe colours (Okabe and Ito's palette, the ``viridis`` colour
  map) and the symbols that mark right and wrong as well as colour does (all notebooks).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cycler

# Okabe and Ito's palette, told apart with the common colour-vision deficiencies: blue, orange,
# bluish green, vermillion, reddish purple, sky blue, yellow and black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
RIGHT_COLOR, WRONG_COLOR = "#0072B2", "#D55E00"
RIGHT_MARK, WRONG_MARK = "✓", "✗"


def use_course_style() -> None:
    """Make the course's colour-blind-safe colours matplotlib's defaults: lines and bars take
    ``PALETTE`` in turn, images without a colour map of their own ``viridis``. Applied when this
    module is imported and by ``settings.setup()``."""
    plt.rcParams["axes.prop_cycle"] = cycler(color=list(PALETTE))
    plt.rcParams["image.cmap"] = "viridis"


use_course_style()


def show(alt: str, figure: plt.Figure | None = None, dpi: int = 100) -> None:
    """Display ``figure`` (default: the current one) as a PNG image with alt text, and close it.

    Every figure of the course goes through this function instead of ``plt.show()``: the text
    alternative ``alt`` (what the figure shows, in a sentence or two) is stored in the output's
    metadata, where screen readers, JupyterLab and nbconvert's HTML read it. Used by notebooks
    01-06.
    """
    from IPython.display import Image, display

    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("Pass alt, a sentence that says what the figure shows (for readers who "
                         "cannot see it).")
    figure = plt.gcf() if figure is None else figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    display(Image(data=buffer.getvalue(), format="png", alt=alt.strip()))


def image_grid(
    images: np.ndarray,
    titles: Sequence[str] | None = None,
    columns: int = 8,
    size: float = 1.4,
    cmap: str = "gray",
    title_colors: Sequence[str] | None = None,
    suptitle: str | None = None,
    correct: Sequence[bool] | None = None,
) -> plt.Figure:
    """Show images in a grid, each with an optional title (introduced in notebook 01).

    ``images`` has shape (N, height, width) for grey images or (N, height, width, 3) for colour
    images; a trailing channel axis of size 1 is dropped. Float images are shown on [0, 1].

    ``correct`` marks predictions right or wrong (04, 05, 06): one boolean per image; each title
    then starts with ✓ (in ``RIGHT_COLOR``) or ✗ (in ``WRONG_COLOR``), so that the mark does
    not depend on seeing colour. ``title_colors``, when given, overrides the colours only.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(
            "images should be a non-empty stack shaped (N, height, width) or "
            f"(N, height, width, 3), got shape {images.shape}."
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"Got {len(images)} images but {len(titles)} titles; pass one per image.")
    if correct is not None:
        if isinstance(correct, (str, bytes)) or len(correct) != len(images):
            raise ValueError(f"correct should hold one True (right) or False (wrong) per image: "
                             f"{len(images)} of them, got {correct!r}.")
        marks = [RIGHT_MARK if bool(right) else WRONG_MARK for right in correct]
        titles = [f"{mark} {title}" if titles is not None else mark
                  for mark, title in zip(marks, titles or marks, strict=True)]
        if title_colors is None:
            title_colors = [RIGHT_COLOR if bool(right) else WRONG_COLOR for right in correct]
    columns = max(1, min(columns, len(images)))
    rows = int(np.ceil(len(images) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * size * 1.15),
                                squeeze=False)
    for index, axis in enumerate(axes.flat):
        axis.axis("off")
        if index >= len(images):
            continue
        image = images[index]
        maximum = 255 if image.dtype == np.uint8 else 1
        value_range = {"vmin": 0, "vmax": maximum}
        if image.ndim == 3 and image.dtype != np.uint8:
            image = np.clip(image, 0, 1)
        axis.imshow(image, cmap=cmap if image.ndim == 2 else None, **value_range)
        if titles is not None:
            color = title_colors[index] if title_colors is not None else "black"
            axis.set_title(str(titles[index]), fontsize=9, color=color)
    if suptitle:
        figure.suptitle(suptitle)
    figure.tight_layout()
    return figure


def bar_counts(
    counts: Sequence[int] | np.ndarray,
    labels: Sequence[str] | None = None,
    title: str = "Examples per class",
    xlabel: str = "class",
) -> plt.Figure:
    """Bar chart of one count per class, each bar labelled with its number (notebooks 01, 06)."""
    counts = np.asarray(counts)
    if counts.ndim != 1:
        raise ValueError(f"counts should be one number per class (1-D), got shape {counts.shape}.")
    labels = [str(i) for i in range(len(counts))] if labels is None else [str(x) for x in labels]
    if len(labels) != len(counts):
        raise ValueError(f"Got {len(counts)} counts but {len(labels)} labels.")
    figure, axis = plt.subplots(figsize=(max(6, len(counts) * 0.7), 3.5))
    bars = axis.bar(labels, counts, color=PALETTE[0])
    axis.bar_label(bars, fontsize=8)
    axis.set_title(title)
    axis.set_xlabel(xlabel)
    axis.set_ylabel("count")
    axis.margins(y=0.15)
    figure.tight_layout()
    return figure


def learning_curves(history: Any, metrics: Sequence[str] = ("loss", "accuracy")) -> plt.Figure:
    """Plot training and validation curves from a Keras ``History`` or its ``history`` dict.

    One panel per metric; validation curves are dashed with square markers, so that they differ
    from the training curves (solid, round markers) without colour (notebooks 04 and 06).
    """
    values: Mapping[str, Sequence[float]] = getattr(history, "history", history)
    present = [metric for metric in metrics if metric in values]
    if not present:
        raise ValueError(
            f"The history has none of {list(metrics)}; it has {sorted(values)}. Pass the object "
            "that model.fit(...) returned."
        )
    figure, axes = plt.subplots(1, len(present), figsize=(5 * len(present), 3.5), squeeze=False)
    for axis, metric in zip(axes.flat, present, strict=True):
        epochs = np.arange(1, len(values[metric]) + 1)
        axis.plot(epochs, values[metric], "o-", label=f"training {metric}")
        if f"val_{metric}" in values:
            axis.plot(epochs, values[f"val_{metric}"], "s--", label=f"validation {metric}")
        axis.set_xlabel("epoch")
        axis.set_ylabel(metric)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.tight_layout()
    return figure
