"""What a trained CNN has learned, and how it compares with a dense network (notebook 04).

* ``plot_filters``: the 3 × 3 weights of a first convolution, one small image per filter.
* ``feature_maps`` and ``plot_feature_maps``: what one image becomes after each convolution and
  pooling layer of a model, a few channels per layer.
* ``plot_accuracy_comparison``: test accuracies of several models on several versions of the
  data (original and shuffled pixels), as grouped bars with hatching and printed values.

Colours: ``cividis`` for images (readable with every common colour-vision deficiency) and the
Okabe-Ito blue and orange for bars, which also differ in hatching and carry their value.
Nothing here answers an exercise.

    from helpers import features
    features.plot_filters(model.layers[0])
    plots.show("The 16 filters of the first convolution ...")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from helpers import settings

# Keras imports TensorFlow, whose start-up lines would otherwise reach stderr.
settings.import_tensorflow_quietly()

import keras  # noqa: E402

IMAGE_COLOUR_MAP = "cividis"
# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
BAR_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
BAR_HATCHES = ("", "//", "..", "xx")


def plot_filters(layer: Any, columns: int = 8, size: float = 1.1) -> plt.Figure:
    """Show the kernels of a ``Conv2D`` layer that reads one channel (a grey image), one small
    image per filter, all on the same colour scale (notebook 04).

    Dark cells are negative weights, light cells positive; the colour bar gives the values.
    """
    if not isinstance(layer, keras.layers.Conv2D):
        raise ValueError(
            f"plot_filters needs a Conv2D layer, such as model.layers[0], got "
            f"{type(layer).__name__}."
        )
    kernel = np.asarray(layer.get_weights()[0])
    if kernel.ndim != 4 or kernel.shape[2] != 1:
        raise ValueError(
            f"plot_filters shows filters that read one grey channel; this layer's kernel has shape "
            f"{kernel.shape} (height, width, input channels, filters). Pass the first "
            "convolution of a model for grey images."
        )
    if columns < 1:
        raise ValueError(f"columns should be at least 1, got {columns!r}.")
    filters = kernel.shape[3]
    columns = min(columns, filters)
    rows = int(np.ceil(filters / columns))
    limit = float(np.abs(kernel).max()) or 1.0
    figure, axes = plt.subplots(rows, columns, figsize=(columns * size + 1.2, rows * size * 1.2),
                                squeeze=False, layout="constrained")
    picture = None
    for index, axis in enumerate(axes.flat):
        axis.set_xticks([])
        axis.set_yticks([])
        if index >= filters:
            axis.axis("off")
            continue
        picture = axis.imshow(kernel[:, :, 0, index], cmap=IMAGE_COLOUR_MAP, vmin=-limit,
                              vmax=limit)
        axis.set_title(f"filter {index}", fontsize=8)
    if picture is not None:
        figure.colorbar(picture, ax=axes, shrink=0.8, label="weight")
    figure.suptitle(f"{filters} learned filters of {kernel.shape[0]} × {kernel.shape[1]} "
                    "weights each (dark: negative, light: positive)")
    return figure


class LayerMaps(NamedTuple):
    """The feature maps one layer computes for one image: the layer's name, its type (such as
    ``"Conv2D"``) and the maps, an array of shape (height, width, channels)."""

    name: str
    kind: str
    maps: np.ndarray


def feature_maps(
    model: Any, image: np.ndarray, layer_types: Sequence[str] = ("Conv2D", "MaxPooling2D")
) -> list[LayerMaps]:
    """Return a ``LayerMaps(name, kind, maps)`` for each layer of ``model`` whose type is in
    ``layer_types``: the outputs that layer computes for one ``image`` (notebook 04).

    ``image`` is one input without the batch axis, for example (28, 28, 1). Each ``maps`` array
    has shape (height, width, channels). The model must start with ``keras.Input`` (a
    Sequential or Functional model).
    """
    if not isinstance(model, keras.Model) or not model.built or not model.inputs:
        raise ValueError("feature_maps needs a built Keras model that starts with keras.Input.")
    image = np.asarray(image, dtype="float32")
    expected = tuple(model.inputs[0].shape[1:])
    if image.shape != expected:
        raise ValueError(
            f"image should be one input of shape {expected} (no batch axis), got shape "
            f"{image.shape}."
        )
    chosen = [layer for layer in model.layers if type(layer).__name__ in layer_types]
    if not chosen:
        raise ValueError(f"The model has no layer of the types {list(layer_types)}.")
    probe = keras.Model(model.inputs, [layer.output for layer in chosen])
    # Calling the model runs one image directly; predict would first build a graph for it.
    outputs = probe(image[np.newaxis], training=False)
    outputs = [keras.ops.convert_to_numpy(output) for output in
               (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    return [LayerMaps(layer.name, type(layer).__name__, np.asarray(output[0]))
            for layer, output in zip(chosen, outputs, strict=True)]


def plot_feature_maps(
    maps: Sequence[LayerMaps], image: np.ndarray | None = None, channels: int = 8,
    size: float = 1.15,
) -> plt.Figure:
    """Show the first ``channels`` feature maps of each layer from ``feature_maps``, one row per
    layer, with the input ``image`` at the start of the first row when given (notebook 04).

    Each map has its own colour scale (light: strong response, dark: none), so that weak but
    structured maps stay visible; the row title gives the layer and its output shape.
    """
    if not maps:
        raise ValueError("maps is empty; pass what feature_maps(model, image) returns.")
    if channels < 1:
        raise ValueError(f"channels should be at least 1, got {channels!r}.")
    extra = 1 if image is not None else 0
    columns = channels + extra
    figure, axes = plt.subplots(len(maps), columns,
                                figsize=(columns * size, len(maps) * size * 1.25),
                                squeeze=False, layout="constrained")
    for row, (name, kind, layer_maps) in enumerate(maps):
        layer_maps = np.asarray(layer_maps)
        if layer_maps.ndim != 3:
            raise ValueError(f"Each map should have shape (height, width, channels); the maps "
                             f"of {name} have shape {layer_maps.shape}.")
        height, width, depth = layer_maps.shape
        for column in range(columns):
            axis = axes[row, column]
            axis.set_xticks([])
            axis.set_yticks([])
            channel = column - extra
            if image is not None and column == 0:
                if row == 0:
                    axis.imshow(np.squeeze(np.asarray(image)), cmap="gray_r")
                    axis.set_title("input", fontsize=8)
                else:
                    axis.axis("off")
                continue
            if channel >= depth:
                axis.axis("off")
                continue
            axis.imshow(layer_maps[:, :, channel], cmap=IMAGE_COLOUR_MAP)
            if column == extra:
                # Outside the layout, so that a long row title does not widen its column.
                axis.text(0, 1.06, f"{kind}: {height} × {width} × {depth} (channels 0-"
                          f"{min(channels, depth) - 1} shown)", transform=axis.transAxes,
                          fontsize=8, ha="left", va="bottom", in_layout=False)
    figure.suptitle(f"Feature maps: the first {channels} channels of each layer")
    return figure


def plot_accuracy_comparison(
    results: Mapping[str, Mapping[str, float]], title: str = "Accuracy",
    measure: str = "accuracy", low: float | None = None,
) -> plt.Figure:
    """Grouped bars: ``results[model][data version]`` is an accuracy in [0, 1] (notebook 04).

    One group per model, one bar per data version (the same versions for every model), each bar
    with its own colour and hatching and its value printed on it. ``low`` starts the axis there
    (default: a little below the lowest accuracy), so that small differences stay visible; the
    axis label, ``measure`` (such as "validation accuracy"), says where it starts.
    """
    models = list(results)
    if not models:
        raise ValueError("results is empty; pass {model name: {data version: accuracy}}.")
    versions = list(results[models[0]])
    for model in models:
        if list(results[model]) != versions:
            raise ValueError(f"Every model needs the same data versions {versions}; {model!r} has "
                             f"{list(results[model])}.")
        for version, value in results[model].items():
            if not 0 <= float(value) <= 1:
                raise ValueError(f"Accuracies are fractions in [0, 1]; {model!r} on {version!r} "
                                 f"is {value!r}.")
    if len(versions) > len(BAR_COLOURS):
        raise ValueError(f"At most {len(BAR_COLOURS)} data versions, got {len(versions)}.")
    values = np.array([[float(results[model][version]) for version in versions]
                       for model in models])
    bottom = low if low is not None else max(0.0, np.floor(values.min() * 20 - 1) / 20)
    width = 0.8 / len(versions)
    positions = np.arange(len(models))
    figure, axis = plt.subplots(figsize=(max(5.0, 2.4 * len(models)), 3.6), layout="constrained")
    for index, version in enumerate(versions):
        offsets = positions + (index - (len(versions) - 1) / 2) * width
        bars = axis.bar(offsets, values[:, index] - bottom, width, bottom=bottom, label=version,
                        color=BAR_COLOURS[index], hatch=BAR_HATCHES[index], edgecolor="black")
        axis.bar_label(bars, labels=[f"{value:.2%}" for value in values[:, index]], fontsize=8)
    axis.set_xticks(positions, models)
    axis.set_ylim(bottom, 1.0)
    axis.set_ylabel(f"{measure} (axis starts at {bottom:.0%})")
    axis.set_title(title)
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=len(versions), fontsize=8,
                frameon=False)
    axis.grid(axis="y", alpha=0.3)
    return figure
