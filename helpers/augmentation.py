"""Looking at data augmentation (notebook 06).

* ``augmented_copies``: one image passed through an augmenter many times, as an array.
* ``show_augmentations``: the same copies in a grid, the original first, so that you can judge
  whether an augmenter makes images that still look like their class.
* ``plot_confusion_change``: how a confusion matrix changes from one training recipe to another
  (horizontal flips only, or vertical flips too).

The first two work with any augmenter: a Keras layer or ``keras.Sequential`` of preprocessing layers
(called with ``training=True``, the only mode in which random layers change anything) or a
plain Python function that takes a batch of images and returns a batch of the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers import plots


def _as_single_image(image: Any) -> np.ndarray:
    """Return ``image`` as an (height, width, channels) array, or raise a clear ValueError."""
    image = np.asarray(image)
    if image.ndim == 4 and len(image) == 1:
        image = image[0]
    if image.ndim == 2:
        image = image[..., np.newaxis]
    if image.ndim != 3:
        raise ValueError(
            "Pass one image shaped (height, width, channels), e.g. x_train[0], not a batch; "
            f"got shape {image.shape}."
        )
    return image


def _call_augmenter(augmenter: Callable[..., Any], batch: np.ndarray, training: bool) -> np.ndarray:
    """Run ``augmenter`` on ``batch``; Keras layers get the ``training`` flag."""
    import keras

    if isinstance(augmenter, keras.layers.Layer):
        output = augmenter(batch, training=training)
    else:
        output = augmenter(batch)
    return np.asarray(keras.ops.convert_to_numpy(output))


def augmented_copies(
    image: Any,
    augmenter: Callable[..., Any],
    count: int = 15,
    training: bool = True,
) -> np.ndarray:
    """Return ``count`` augmented copies of one image, shape (count, height, width, channels).

    The image is repeated ``count`` times into one batch and passed through ``augmenter``
    once, so every copy gets its own random transformation. Keras layers are called with
    ``training`` (True by default: at inference, ``training=False``, they return the input
    unchanged). The copies are ``float32``, in the value range of the input. Used in notebook 06.
    """
    if not callable(augmenter):
        raise ValueError(
            "augmenter should be a Keras layer, a keras.Sequential of preprocessing layers or a "
            f"function of a batch of images; got a {type(augmenter).__name__}."
        )
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"count should be a positive whole number of copies, got {count!r}.")
    single = _as_single_image(image).astype(np.float32)
    batch = np.repeat(single[np.newaxis], int(count), axis=0)
    copies = _call_augmenter(augmenter, batch, training=training)
    if copies.shape != batch.shape:
        raise ValueError(
            f"The augmenter changed the shape of the batch from {batch.shape} to {copies.shape}; "
            "an augmenter for this course must keep every image's size."
        )
    return copies.astype(np.float32)


def show_augmentations(
    image: Any,
    augmenter: Callable[..., Any],
    count: int = 15,
    columns: int = 8,
    title: str | None = None,
    value_range: tuple[float, float] | None = None,
) -> plt.Figure:
    """Show one image and ``count`` augmented copies of it in a grid (notebook 06).

    ``value_range`` is the range of the pixel values, used to scale them for display: (0, 255)
    for ``uint8`` images (the default for them) or (0, 1) for scaled ones (the default for
    floats). Standardised images can be shown by passing their minimum and maximum.
    """
    original = _as_single_image(image)
    if value_range is None:
        value_range = (0.0, 255.0) if original.dtype == np.uint8 else (0.0, 1.0)
    low, high = (float(value) for value in value_range)
    if not high > low:
        raise ValueError(f"value_range should be (low, high) with high > low, got {value_range}.")
    copies = augmented_copies(original, augmenter, count=count, training=True)
    stack = np.concatenate([original[np.newaxis].astype(np.float32), copies])
    shown = np.clip((stack - low) / (high - low), 0.0, 1.0)
    if shown.shape[-1] == 1:
        shown = shown[..., 0]
    titles = ["original"] + [f"copy {index}" for index in range(1, len(copies) + 1)]
    colors = [plots.PALETTE[0]] + ["black"] * len(copies)
    return plots.image_grid(shown, titles=titles, columns=columns, title_colors=colors,
                            suptitle=title)


def plot_confusion_change(
    before: Any,
    after: Any,
    class_names: Sequence[str],
    labels: tuple[str, str] = ("before", "after"),
    size: float = 6.5,
) -> plt.Figure:
    """Draw how a confusion matrix changed from ``before`` to ``after`` (notebook 06).

    Both are count matrices of the same test images, rows the true classes and columns the
    predicted ones (``sklearn.metrics.confusion_matrix``). Each cell shows ``after - before``
    with its sign. The diagonal, boxed and marked ✓, counts right answers: a minus there is a
    loss. Every other cell, marked ✗ in the axis labels, counts one kind of mistake: a plus there
    is a loss. Colours come from the colour-blind-safe ``PuOr`` map: orange for more images,
    purple for fewer, white for no change. ``labels`` names the two matrices in the title.
    """
    before_counts = np.asarray(before)
    after_counts = np.asarray(after)
    if before_counts.ndim != 2 or before_counts.shape[0] != before_counts.shape[1]:
        raise ValueError("before should be a square confusion matrix (classes × classes), got "
                         f"shape {before_counts.shape}.")
    if after_counts.shape != before_counts.shape:
        raise ValueError(f"before and after should have the same shape, got {before_counts.shape} "
                         f"and {after_counts.shape}: compute both on the same classes.")
    names = [str(name) for name in class_names]
    if len(names) != before_counts.shape[0]:
        raise ValueError(f"Got {len(names)} class names for {before_counts.shape[0]} classes; pass "
                         "one name per class.")
    if len(labels) != 2:
        raise ValueError(f"labels should name the two matrices, e.g. ('horizontal', 'vertical'), "
                         f"got {labels!r}.")
    change = after_counts.astype(np.int64) - before_counts.astype(np.int64)
    limit = max(1, int(np.abs(change).max()))
    figure, axis = plt.subplots(figsize=(size, size * 0.85), layout="constrained")
    picture = axis.imshow(change, cmap="PuOr_r", vmin=-limit, vmax=limit)
    for row in range(change.shape[0]):
        for column in range(change.shape[1]):
            value = int(change[row, column])
            strong = abs(value) > 0.6 * limit
            axis.text(column, row, f"{value:+d}" if value else "0", ha="center", va="center",
                      fontsize=8, color="white" if strong else "black")
        axis.add_patch(plt.Rectangle((row - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="black",
                                     linewidth=1.5))
    positions = np.arange(len(names))
    axis.set_xticks(positions, names, rotation=45, ha="right")
    axis.set_yticks(positions, names)
    axis.set_xlabel("predicted class")
    axis.set_ylabel("true class")
    axis.set_title(f"Change from {labels[0]} to {labels[1]} (test images)\n"
                   "boxed diagonal ✓ right answers; other cells ✗ mistakes", fontsize=10)
    colour_bar = figure.colorbar(picture, ax=axis, shrink=0.8)
    colour_bar.set_label(f"images: {labels[1]} minus {labels[0]}")
    return figure
