"""Looking at data augmentation (notebook 06).

* ``augmented_copies``: one image passed through an augmenter many times, as an array.
* ``show_augmentations``: the same copies in a grid, the original first, so that you can judge
  whether an augmenter makes images that still look like their class.

Both work with any augmenter: a Keras layer or ``keras.Sequential`` of preprocessing layers
(called with ``training=True``, the only mode in which random layers change anything) or a
plain Python function that takes a batch of images and returns a batch of the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
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
    colors = ["tab:blue"] + ["black"] * len(copies)
    return plots.image_grid(shown, titles=titles, columns=columns, title_colors=colors,
                            suptitle=title)
