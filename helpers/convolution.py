"""Pictures of the convolution itself, for notebook 03 ("Conv2D: the operation and its arithmetic").

* ``hand_made_kernels()``: four classic 3 × 3 kernels (vertical edges, horizontal edges, blur,
  sharpen), as a new dictionary of float arrays on every call.
* ``plot_feature_maps(image, kernels, feature_maps)``: an image, each kernel with its numbers,
  and the feature map each kernel gives.
* ``keras_geometry(size, kernel, stride, padding)``: what Keras does along one axis of an image:
  the output size and the zeros it adds before and after, read from Keras itself.
* ``geometry_figure(...)``: one setting drawn: the input with its padding, the window of input
  pixels that feeds one output pixel, and the output.
* ``static_explorer_figure()``: four settings in one figure, what the explorer shows where
  interactive widgets do not render.
* ``show_explorer(...)``: an interactive explorer (ipywidgets) of input size, kernel size, stride
  and padding. Where widgets cannot render (nbgrader, nbval, a plain HTML export, a viewer
  without the widget manager) the same output shows the static figure instead.

Like ``helpers.layers``, nothing here works out an output size or a padding from a formula (that
is what notebook 03 asks of you): ``keras_geometry`` runs Keras's own convolution on a small
probe and reads the answer from what it returns. Every figure uses colour-blind-safe colours
(the Okabe-Ito palette and the cividis colour map) and hatching, so that nothing depends on
telling two colours apart.

    from helpers import convolution
    convolution.show_explorer()
"""

from __future__ import annotations

import base64
import functools
import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import ConnectionPatch, Rectangle

PADDINGS = ("valid", "same")
# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
WINDOW_COLOUR = "#E69F00"  # orange: the input pixels that feed the chosen output pixel
OUTPUT_COLOUR = "#0072B2"  # blue: the chosen output pixel
PADDING_COLOUR = "#E8E8E8"  # light grey: zeros added around the input
FEATURE_MAP_COLOURS = "cividis"

# The settings of the static figure: (input size, kernel size, stride, padding, output pixel).
STATIC_SETTINGS: tuple[tuple[int, int, int, str, tuple[int, int]], ...] = (
    (7, 3, 1, "valid", (1, 2)),
    (7, 3, 1, "same", (0, 0)),
    (7, 3, 2, "valid", (1, 1)),
    (7, 4, 2, "same", (3, 3)),
)


def hand_made_kernels() -> dict[str, np.ndarray]:
    """Return four 3 × 3 kernels, each a new float64 array (notebook 03).

    * ``"vertical edges"``: the Sobel kernel; large where the left side is brighter than the
      right (positive) or darker (negative);
    * ``"horizontal edges"``: the same turned a quarter turn: top versus bottom;
    * ``"blur"``: the average of the nine pixels (every weight 1/9);
    * ``"sharpen"``: each pixel plus four times its difference from its four neighbours
      (weights sum to 1, so flat areas keep their brightness).
    """
    vertical = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    return {
        "vertical edges": vertical,
        "horizontal edges": vertical.T.copy(),
        "blur": np.full((3, 3), 1.0 / 9.0),
        "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    }


# ---------------------------------------------------------------------------------------------
# Feature maps
# ---------------------------------------------------------------------------------------------


def _annotate_grid(axis: plt.Axes, values: np.ndarray, colour_map: Any, low: float,
                   high: float) -> None:
    """Write each value of a small grid in its cell, dark on light cells and light on dark."""
    norm = plt.Normalize(low, high) if high > low else plt.Normalize(low - 1, high + 1)
    for (row, column), value in np.ndenumerate(values):
        red, green, blue, _ = colour_map(norm(value))
        light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value != round(value) else f"{value:.0f}"
        axis.text(column, row, text, ha="center", va="center", fontsize=8,
                  color="black" if light else "white")


def plot_feature_maps(image: np.ndarray, kernels: Mapping[str, np.ndarray],
                      feature_maps: Mapping[str, np.ndarray],
                      image_title: str = "input") -> plt.Figure:
    """Show an image, each kernel (with its numbers) and the feature map it gives (notebook 03).

    ``image`` is a 2-D array; ``kernels`` and ``feature_maps`` are dictionaries with the same
    keys, in the same order: a 2-D kernel and the 2-D feature map it gave. The top row shows
    the image and the kernels, the bottom row each feature map with a colour bar (cividis:
    dark for low or negative values, yellow for high ones).
    """
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image should be one 2-D image (height, width), got shape {image.shape}; "
                         "drop a channel axis with image[..., 0].")
    if list(kernels) != list(feature_maps):
        raise ValueError(f"kernels and feature_maps should have the same keys in the same order, "
                         f"got {list(kernels)} and {list(feature_maps)}.")
    if not kernels:
        raise ValueError("Pass at least one kernel and its feature map.")
    for name in kernels:
        for kind, array in (("kernel", kernels[name]), ("feature map", feature_maps[name])):
            if np.ndim(array) != 2:
                raise ValueError(f"The {kind} {name!r} should be 2-D, got shape "
                                 f"{np.shape(array)}.")
    columns = len(kernels) + 1
    figure, axes = plt.subplots(2, columns, figsize=(2.3 * columns, 4.9), squeeze=False)
    colour_map = plt.get_cmap(FEATURE_MAP_COLOURS)
    axes[0, 0].imshow(image, cmap="gray")
    axes[0, 0].set_title(f"{image_title}\n{image.shape[0]} × {image.shape[1]}", fontsize=9)
    axes[1, 0].axis("off")
    axes[1, 0].text(0.0, 0.5, "top: kernels\n(weights written\nin each cell)\n\nbottom: the "
                    "feature\nmap of each kernel", fontsize=8, va="center",
                    transform=axes[1, 0].transAxes)
    for column, name in enumerate(kernels, start=1):
        kernel = np.asarray(kernels[name], dtype=float)
        low, high = float(kernel.min()), float(kernel.max())
        axes[0, column].imshow(kernel, cmap=colour_map, vmin=low, vmax=high if high > low
                               else low + 1)
        _annotate_grid(axes[0, column], kernel, colour_map, low, high)
        axes[0, column].set_title(f"kernel: {name}", fontsize=9)
        feature_map = np.asarray(feature_maps[name], dtype=float)
        # Signed maps (edges) get a range symmetric around 0, so that 0 is the middle colour.
        largest = float(np.abs(feature_map).max()) or 1.0
        signed = feature_map.min() < 0
        shown = axes[1, column].imshow(feature_map, cmap=colour_map,
                                       vmin=-largest if signed else None,
                                       vmax=largest if signed else None)
        colour_bar = figure.colorbar(shown, ax=axes[1, column], fraction=0.046, pad=0.04)
        colour_bar.ax.tick_params(labelsize=7)
        axes[1, column].set_title(f"{feature_map.shape[0]} × {feature_map.shape[1]}, "
                                  f"{feature_map.min():.2g} to {feature_map.max():.2g}",
                                  fontsize=8)
    for axis in axes.flat:
        axis.set_xticks([])
        axis.set_yticks([])
    figure.tight_layout()
    return figure


# ---------------------------------------------------------------------------------------------
# Geometry, read from Keras
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AxisGeometry:
    """What a convolution does along one axis of its input, as Keras computes it.

    ``pad_before`` and ``pad_after`` count the zeros that windows read before the first and after
    the last input pixel (``"valid"``: none).
    """

    size: int
    kernel: int
    stride: int
    padding: str
    output_size: int
    pad_before: int
    pad_after: int

    def window(self, output_index: int) -> range:
        """Return the input positions (negative or >= size: padding) read by one output."""
        if not 0 <= output_index < self.output_size:
            raise ValueError(f"output_index should be between 0 and {self.output_size - 1}, got "
                             f"{output_index}.")
        start = output_index * self.stride - self.pad_before
        return range(start, start + self.kernel)


def _check_setting(size: int, kernel: int, stride: int, padding: str) -> None:
    for name, value in (("size", size), ("kernel", kernel), ("stride", stride)):
        if type(value) is not int or value < 1:
            raise ValueError(f"{name} should be a whole number of at least 1, got {value!r}.")
    if kernel > size:
        raise ValueError(f"kernel ({kernel}) should not be larger than the input size ({size}).")
    if padding not in PADDINGS:
        raise ValueError(f"padding should be 'valid' or 'same', got {padding!r}.")


@functools.lru_cache(maxsize=512)
def keras_geometry(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> AxisGeometry:
    """Return what Keras's convolution does along one axis (notebook 03's explorer).

    The answer is read from Keras, not computed from a formula: ``keras.ops.conv`` runs on a
    probe whose pixels hold their own position (1, 2, ..., size) with a kernel that keeps only
    its last entry. The output's length is the output size, and its first value tells which
    input pixel the first window ends on, hence how many zeros Keras put before the input.
    Requires ``kernel <= size``.
    """
    _check_setting(size, kernel, stride, padding)
    from helpers import settings

    settings.import_tensorflow_quietly()
    import keras

    probe = np.arange(1, size + 1, dtype="float32").reshape(1, size, 1, 1)
    last_entry_only = np.zeros((kernel, 1, 1, 1), dtype="float32")
    last_entry_only[-1] = 1.0
    result = np.asarray(keras.ops.conv(probe, last_entry_only, strides=stride, padding=padding))
    output_size = int(result.shape[1])
    last_position_of_first_window = int(round(float(result[0, 0, 0, 0]))) - 1
    pad_before = kernel - 1 - last_position_of_first_window
    last_read = (output_size - 1) * stride - pad_before + kernel - 1
    return AxisGeometry(size=size, kernel=kernel, stride=stride, padding=padding,
                        output_size=output_size, pad_before=pad_before,
                        pad_after=max(0, last_read - (size - 1)))


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def describe_geometry(geometry: AxisGeometry, output_row: int, output_column: int) -> str:
    """Return, in words, what ``draw_geometry`` draws for a square input and kernel."""
    size, kernel, stride = geometry.size, geometry.kernel, geometry.stride
    rows, columns = geometry.window(output_row), geometry.window(output_column)
    if geometry.padding == "valid":
        padding_text = "no padding ('valid')"
    else:
        padding_text = (f"'same' padding ({_count(geometry.pad_before, 'row')} of zeros on top, "
                        f"{geometry.pad_after} at the bottom, and as many columns on the left and "
                        "right)")
    outside = [f"row {position}" for position in rows if not 0 <= position < size]
    outside += [f"column {position}" for position in columns if not 0 <= position < size]
    padded_text = f", where {', '.join(outside)} lie in the padding" if outside else ""
    return (f"Input {size} × {size}, kernel {kernel} × {kernel}, stride {stride}, "
            f"{padding_text}: the output is {geometry.output_size} × {geometry.output_size}. "
            f"Output pixel (row {output_row}, column {output_column}) reads input rows "
            f"{rows.start} to {rows.stop - 1} and columns {columns.start} to {columns.stop - 1}"
            f"{padded_text}.")


# ---------------------------------------------------------------------------------------------
# Drawing one setting
# ---------------------------------------------------------------------------------------------


def _grid(axis: plt.Axes, first: int, last: int, colours: np.ndarray, title: str) -> None:
    """Draw a square grid of cells from ``first`` to ``last`` (both included) on each axis,
    coloured by the RGB array ``colours``, with thin lines between the cells."""
    axis.imshow(colours, extent=(first - 0.5, last + 0.5, last + 0.5, first - 0.5),
                interpolation="nearest")
    lines = np.arange(first - 0.5, last + 1.0)
    axis.hlines(lines, first - 0.5, last + 0.5, colors="black", linewidth=0.6)
    axis.vlines(lines, first - 0.5, last + 0.5, colors="black", linewidth=0.6)
    axis.set_xlim(first - 0.6, last + 0.6)
    axis.set_ylim(last + 0.6, first - 0.6)
    axis.set_aspect("equal")
    axis.set_title(title, fontsize=9)
    for spine in axis.spines.values():
        spine.set_visible(False)
    axis.tick_params(length=0, labelsize=7)


def _rgb(colour: str) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.array(to_rgb(colour))


def draw_geometry(input_axis: plt.Axes, output_axis: plt.Axes, geometry: AxisGeometry,
                  output_row: int, output_column: int) -> None:
    """Draw a square input (with its padding and one window) and the output it gives.

    The window of input pixels that feeds output pixel (``output_row``, ``output_column``) is
    orange with diagonal hatching and a thick frame; that output pixel is blue with the opposite
    hatching; padding (zeros) is grey, outside the frame of the image itself. An arrow joins the
    window to its output pixel.
    """
    size, kernel = geometry.size, geometry.kernel
    rows, columns = geometry.window(output_row), geometry.window(output_column)
    first, last = -geometry.pad_before, size - 1 + geometry.pad_after
    extent = last - first + 1
    colours = np.ones((extent, extent, 3))
    positions = np.arange(first, last + 1)
    outside = (positions < 0) | (positions >= size)
    colours[outside, :, :] = _rgb(PADDING_COLOUR)
    colours[:, outside, :] = _rgb(PADDING_COLOUR)
    padded = " + padding" if geometry.pad_before or geometry.pad_after else ""
    _grid(input_axis, first, last, colours, f"input {size} × {size}{padded}")
    if padded:
        input_axis.add_patch(Rectangle((-0.5, -0.5), size, size, fill=False, edgecolor="black",
                                       linewidth=1.4))
    input_axis.add_patch(Rectangle((columns.start - 0.5, rows.start - 0.5), kernel, kernel,
                                   facecolor=WINDOW_COLOUR, alpha=0.75, hatch="///",
                                   edgecolor="black", linewidth=2.2))
    input_axis.set_xticks(range(size))
    input_axis.set_yticks(range(size))
    output_size = geometry.output_size
    _grid(output_axis, 0, output_size - 1, np.ones((output_size, output_size, 3)),
          f"output {output_size} × {output_size}")
    output_axis.add_patch(Rectangle((output_column - 0.5, output_row - 0.5), 1, 1,
                                    facecolor=OUTPUT_COLOUR, alpha=0.85, hatch="\\\\\\",
                                    edgecolor="black", linewidth=1.5))
    output_axis.set_xticks(range(output_size))
    output_axis.set_yticks(range(output_size))
    centre = (columns.start + (kernel - 1) / 2, rows.start + (kernel - 1) / 2)
    arrow = ConnectionPatch(xyA=centre, coordsA="data", axesA=input_axis,
                            xyB=(output_column, output_row), coordsB="data", axesB=output_axis,
                            arrowstyle="->", linewidth=1.3, color="black")
    arrow.set_in_layout(False)  # The layout engine sizes the axes; the arrow only joins them.
    output_axis.add_artist(arrow)


def geometry_figure(size: int = 7, kernel: int = 3, stride: int = 2, padding: str = "same",
                    output_row: int = 0, output_column: int = 0) -> plt.Figure:
    """Return the figure of one setting (see ``draw_geometry``), titled with the setting."""
    geometry = keras_geometry(size, kernel, stride, padding)
    extent = size + geometry.pad_before + geometry.pad_after
    figure, (input_axis, output_axis) = plt.subplots(
        1, 2, figsize=(5.6, 3.3),
        gridspec_kw={"width_ratios": [extent, max(geometry.output_size, 3)], "left": 0.06,
                     "right": 0.97, "bottom": 0.08, "top": 0.82, "wspace": 0.35})
    draw_geometry(input_axis, output_axis, geometry, output_row, output_column)
    figure.suptitle(f"kernel {kernel} × {kernel}, stride {stride}, padding '{padding}'",
                    fontsize=10)
    return figure


def static_explorer_figure(
    settings: Sequence[tuple[int, int, int, str, tuple[int, int]]] = STATIC_SETTINGS,
) -> plt.Figure:
    """Return the explorer's static stand-in: several settings, each input beside its output,
    two settings per row."""
    if not settings:
        raise ValueError("Pass at least one setting: (size, kernel, stride, padding, "
                         "(row, column)).")
    count = len(settings)
    columns = 2 if count > 1 else 1
    rows = -(-count // columns)
    figure = plt.figure(figsize=(5.2 * columns, 3.1 * rows))
    panels = np.atleast_1d(figure.subfigures(rows, columns)).ravel()
    for panel, (size, kernel, stride, padding, pixel) in zip(panels, settings, strict=False):
        geometry = keras_geometry(size, kernel, stride, padding)
        extent = size + geometry.pad_before + geometry.pad_after
        input_axis, output_axis = panel.subplots(
            1, 2, gridspec_kw={"width_ratios": [extent, max(geometry.output_size, 3)],
                               "left": 0.06, "right": 0.97, "bottom": 0.08, "top": 0.80,
                               "wspace": 0.35})
        draw_geometry(input_axis, output_axis, geometry, *pixel)
        panel.suptitle(f"kernel {kernel} × {kernel}, stride {stride}, padding '{padding}'",
                       fontsize=10)
    for panel in panels[count:]:
        panel.set_visible(False)
    return figure


def static_explorer_alt(
    settings: Sequence[tuple[int, int, int, str, tuple[int, int]]] = STATIC_SETTINGS,
) -> str:
    """Return the text alternative of ``static_explorer_figure(settings)``: each panel in words."""
    sentences = [describe_geometry(keras_geometry(size, kernel, stride, padding), *pixel)
                 for size, kernel, stride, padding, pixel in settings]
    return ("Convolution geometry in " + str(len(settings)) + " settings, each input grid "
            "(padding in grey, the window feeding one output pixel hatched in orange) beside its "
            "output grid (that pixel hatched in blue). " + " ".join(sentences))


# ---------------------------------------------------------------------------------------------
# The interactive explorer and its static fallback
# ---------------------------------------------------------------------------------------------


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def widgets_available() -> bool:
    """Return True when an interactive explorer can be built: ipywidgets is installed and the
    notebook is not being run by nbgrader (autograde and validate set ``NBGRADER_EXECUTION``),
    where nobody could move a slider."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class ConvolutionExplorer:
    """Sliders for input size, kernel size, stride, padding and one output pixel, and the
    picture and sentence of ``geometry_figure`` and ``describe_geometry`` for that setting.

    ``widget`` is the ipywidgets box to display; ``controls`` maps a name (``"size"``,
    ``"kernel"``, ``"stride"``, ``"padding"``, ``"row"``, ``"column"``) to its control;
    ``description`` is the sentence shown under the picture.
    """

    def __init__(self, size: int = 7, kernel: int = 3, stride: int = 2,
                 padding: str = "same") -> None:
        import ipywidgets as widgets

        _check_setting(size, kernel, stride, padding)
        style = {"description_width": "110px"}
        self.controls: dict[str, Any] = {
            "size": widgets.IntSlider(value=size, min=3, max=10, description="input size n",
                                      style=style),
            "kernel": widgets.IntSlider(value=kernel, min=1, max=min(5, size),
                                        description="kernel size k", style=style),
            "stride": widgets.IntSlider(value=stride, min=1, max=3, description="stride s",
                                        style=style),
            "padding": widgets.ToggleButtons(options=list(PADDINGS), value=padding,
                                             description="padding", style=style),
            "row": widgets.IntSlider(value=0, min=0, max=0, description="output row",
                                     style=style),
            "column": widgets.IntSlider(value=0, min=0, max=0, description="output column",
                                        style=style),
        }
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
        self.sentence = widgets.HTML()
        self.widget = widgets.VBox([
            widgets.HBox([widgets.VBox(list(self.controls.values())),
                          widgets.VBox([self.picture])]),
            self.sentence,
        ])
        self.description = ""
        self._updating = False
        self._limit_output_sliders()
        self.update()
        for control in self.controls.values():
            control.observe(self.update, names="value")

    def _setting(self) -> tuple[int, int, int, str]:
        return (self.controls["size"].value, self.controls["kernel"].value,
                self.controls["stride"].value, self.controls["padding"].value)

    def _limit_output_sliders(self) -> AxisGeometry:
        """Keep the kernel no larger than the input and the output pixel inside the output."""
        self._updating = True
        try:
            self.controls["kernel"].max = min(5, self.controls["size"].value)
            geometry = keras_geometry(*self._setting())
            for name in ("row", "column"):
                self.controls[name].max = geometry.output_size - 1
        finally:
            self._updating = False
        return geometry

    def update(self, change: Any = None) -> None:
        """Redraw the picture and the sentence for the current values of the controls."""
        if self._updating:
            return
        geometry = self._limit_output_sliders()
        row, column = self.controls["row"].value, self.controls["column"].value
        self.description = describe_geometry(geometry, row, column)
        self.picture.value = _png(geometry_figure(*self._setting(), row, column))
        self.sentence.value = f"<p>{self.description}</p>"


def explorer_bundle(size: int = 7, kernel: int = 3, stride: int = 2, padding: str = "same",
                    interactive: bool | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the explorer's output as (data, metadata) for ``IPython.display.display(raw=True)``.

    The data always hold the static figure (``image/png``, with its text alternative in the
    metadata) and a plain-text description. When ``interactive`` (default: ``widgets_available()``)
    they also hold the widget's view: Jupyter front ends with the widget manager show the
    sliders, and every other reader of the notebook (nbconvert's HTML export without saved widget
    state, nbgrader's feedback, viewers without widgets) falls back to the figure.

    One case shows the widget instead: a notebook executed by ``jupyter nbconvert --execute``
    (which saves the widgets' state by default) and exported to HTML embeds the widget, drawn by
    a script from a CDN (an online reader sees the sliders at their last values and the picture,
    an offline one nothing). Add ``--ExecutePreprocessor.store_widget_state=False`` to get the
    static figure there too. nbgrader runs with ``NBGRADER_EXECUTION`` set, and gets no widget.
    """
    interactive = widgets_available() if interactive is None else interactive
    alt = static_explorer_alt()
    data: dict[str, Any] = {
        "image/png": base64.b64encode(_png(static_explorer_figure())).decode("ascii"),
        "text/plain": alt,
    }
    metadata: dict[str, Any] = {"image/png": {"alt": alt}}
    if interactive:
        explorer = ConvolutionExplorer(size, kernel, stride, padding)
        widget_data = explorer.widget._repr_mimebundle_()
        view = widget_data.get("application/vnd.jupyter.widget-view+json")
        if view is not None:
            data["application/vnd.jupyter.widget-view+json"] = view
    return data, metadata


def show_explorer(size: int = 7, kernel: int = 3, stride: int = 2, padding: str = "same") -> None:
    """Display the explorer of kernel size, stride and padding (notebook 03).

    In JupyterLab (with ipywidgets) you get sliders; move them and watch the output size and the
    window of input pixels that feeds the chosen output pixel. Elsewhere the same output shows a
    static figure of four settings, with a text alternative.
    """
    from IPython.display import display

    data, metadata = explorer_bundle(size, kernel, stride, padding)
    display(data, raw=True, metadata=metadata)
