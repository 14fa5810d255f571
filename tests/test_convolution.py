"""helpers.convolution: notebook 03's kernels, geometry read from Keras, figures, and the explorer
that degrades to a static figure where widgets do not render."""

from __future__ import annotations

import base64
import math
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.signal  # noqa: E402

from helpers import convolution, settings  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def teardown_function() -> None:
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# Kernels and feature maps
# ---------------------------------------------------------------------------------------------


def test_hand_made_kernels_are_new_float_arrays_with_the_documented_sums() -> None:
    kernels = convolution.hand_made_kernels()
    assert list(kernels) == ["vertical edges", "horizontal edges", "blur", "sharpen"]
    assert all(kernel.shape == (3, 3) and kernel.dtype == np.float64
               for kernel in kernels.values())
    sums = {name: round(float(kernel.sum()), 12) for name, kernel in kernels.items()}
    assert sums == {"vertical edges": 0.0, "horizontal edges": 0.0, "blur": 1.0, "sharpen": 1.0}
    np.testing.assert_array_equal(kernels["horizontal edges"], kernels["vertical edges"].T)
    kernels["blur"][0, 0] = 100.0
    assert convolution.hand_made_kernels()["blur"][0, 0] == pytest.approx(1 / 9)


def test_vertical_edge_kernel_answers_to_left_right_change_only() -> None:
    image = np.zeros((5, 6))
    image[:, 3:] = 1.0  # Dark on the left, bright on the right: a vertical edge.
    kernels = convolution.hand_made_kernels()
    vertical = scipy.signal.correlate2d(image, kernels["vertical edges"], mode="valid")
    horizontal = scipy.signal.correlate2d(image, kernels["horizontal edges"], mode="valid")
    assert vertical.min() == -4.0 and vertical.max() == 0.0
    assert np.all(horizontal == 0.0)


def test_plot_feature_maps_shows_image_kernels_and_maps() -> None:
    digit = np.random.default_rng(0).random((12, 10))
    kernels = convolution.hand_made_kernels()
    maps = {name: scipy.signal.correlate2d(digit, kernel, mode="valid")
            for name, kernel in kernels.items()}
    figure = convolution.plot_feature_maps(digit, kernels, maps, image_title="noise")
    with_images = [axis for axis in figure.axes if axis.images]
    assert len(with_images) == 1 + 2 * len(kernels)
    assert "noise" in with_images[0].get_title()
    # Nine weights written on each kernel.
    assert all(len(axis.texts) == 9 for axis in with_images[1:1 + len(kernels)]
               if "kernel" in axis.get_title())


def test_plot_feature_maps_rejects_bad_input() -> None:
    kernels = {"blur": np.ones((3, 3)) / 9}
    with pytest.raises(ValueError, match="one 2-D image"):
        convolution.plot_feature_maps(np.zeros((8, 8, 1)), kernels, {"blur": np.zeros((6, 6))})
    with pytest.raises(ValueError, match="same keys"):
        convolution.plot_feature_maps(np.zeros((8, 8)), kernels, {"edges": np.zeros((6, 6))})
    with pytest.raises(ValueError, match="should be 2-D"):
        convolution.plot_feature_maps(np.zeros((8, 8)), kernels, {"blur": np.zeros(6)})
    with pytest.raises(ValueError, match="at least one"):
        convolution.plot_feature_maps(np.zeros((8, 8)), {}, {})


# ---------------------------------------------------------------------------------------------
# Geometry, read from Keras
# ---------------------------------------------------------------------------------------------


def test_geometry_matches_keras_rules_for_every_explorer_setting() -> None:
    """The probe agrees with the documented rules (TensorFlow's 'same': the extra zero after)."""
    for size in range(3, 11):
        for kernel in range(1, min(5, size) + 1):
            for stride in range(1, 4):
                for padding in ("valid", "same"):
                    geometry = convolution.keras_geometry(size, kernel, stride, padding)
                    if padding == "valid":
                        assert geometry.output_size == (size - kernel) // stride + 1
                        assert (geometry.pad_before, geometry.pad_after) == (0, 0)
                        continue
                    output_size = math.ceil(size / stride)
                    total = max((output_size - 1) * stride + kernel - size, 0)
                    assert geometry.output_size == output_size, geometry
                    assert geometry.pad_before == total // 2, geometry
                    assert geometry.pad_before + geometry.pad_after == total, geometry


def test_geometry_of_known_cases_and_windows() -> None:
    geometry = convolution.keras_geometry(7, 4, 2, "same")
    assert (geometry.output_size, geometry.pad_before, geometry.pad_after) == (4, 1, 2)
    assert list(geometry.window(0)) == [-1, 0, 1, 2]
    assert list(geometry.window(3)) == [5, 6, 7, 8]
    with pytest.raises(ValueError, match="between 0 and 3"):
        geometry.window(4)
    valid = convolution.keras_geometry(28, 5, 1, "valid")
    assert valid.output_size == 24 and list(valid.window(23)) == [23, 24, 25, 26, 27]


def test_geometry_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="larger than the input"):
        convolution.keras_geometry(3, 5, 1, "valid")
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        convolution.keras_geometry(7, 3, 1, "full")
    with pytest.raises(ValueError, match="stride should be"):
        convolution.keras_geometry(7, 3, 0, "same")


def test_description_names_sizes_window_and_padding() -> None:
    geometry = convolution.keras_geometry(7, 3, 2, "same")
    text = convolution.describe_geometry(geometry, 0, 3)
    assert "the output is 4 × 4" in text
    assert "rows -1 to 1 and columns 5 to 7" in text
    assert "row -1" in text and "column 7" in text and "lie in the padding" in text
    plain = convolution.describe_geometry(convolution.keras_geometry(7, 3, 1, "valid"), 1, 2)
    assert "no padding" in plain and "padding" not in plain.split("no padding")[1]


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def test_geometry_figure_marks_window_and_output_pixel() -> None:
    figure = convolution.geometry_figure(7, 4, 2, "same", 3, 3)
    input_axis, output_axis = figure.axes
    assert input_axis.get_title() == "input 7 × 7 + padding"
    assert output_axis.get_title() == "output 4 × 4"
    window = [patch for patch in input_axis.patches if patch.get_hatch() == "///"]
    assert len(window) == 1 and window[0].get_width() == 4
    assert window[0].get_xy() == (4.5, 4.5)
    chosen = [patch for patch in output_axis.patches if patch.get_hatch()]
    assert len(chosen) == 1 and chosen[0].get_xy() == (2.5, 2.5)


def test_static_figure_has_an_input_and_an_output_per_setting() -> None:
    figure = convolution.static_explorer_figure()
    titles = [axis.get_title() for axis in figure.axes]
    assert len(titles) == 2 * len(convolution.STATIC_SETTINGS)
    assert titles.count("output 5 × 5") == 1 and titles.count("output 4 × 4") == 1
    single = convolution.static_explorer_figure([(5, 3, 1, "same", (0, 0))])
    assert len(single.axes) == 2
    with pytest.raises(ValueError, match="at least one setting"):
        convolution.static_explorer_figure([])


def test_static_alt_text_describes_every_panel() -> None:
    alt = convolution.static_explorer_alt()
    assert alt.count("Input 7 × 7") == len(convolution.STATIC_SETTINGS)
    assert "rows 5 to 8" in alt and "row 7, row 8" in alt


# ---------------------------------------------------------------------------------------------
# The explorer and its fallback
# ---------------------------------------------------------------------------------------------


def test_explorer_controls_update_the_picture_and_keep_settings_possible() -> None:
    explorer = convolution.ConvolutionExplorer(size=7, kernel=3, stride=2, padding="same")
    first_picture = bytes(explorer.picture.value)
    assert first_picture.startswith(b"\x89PNG") and "output is 4 × 4" in explorer.description
    assert explorer.controls["row"].max == 3
    explorer.controls["stride"].value = 1
    assert "output is 7 × 7" in explorer.description and explorer.controls["row"].max == 6
    assert bytes(explorer.picture.value) != first_picture
    explorer.controls["row"].value = 6
    explorer.controls["size"].value = 3
    assert explorer.controls["kernel"].max == 3
    assert explorer.controls["row"].max == 2 and explorer.controls["row"].value == 2
    assert "Input 3 × 3" in explorer.description
    explorer.controls["padding"].value = "valid"
    assert "output is 1 × 1" in explorer.description and explorer.sentence.value.startswith("<p>")


def test_bundle_offers_widget_figure_and_text_when_interactive(monkeypatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    data, metadata = convolution.explorer_bundle(interactive=None)
    assert WIDGET_VIEW in data and data[WIDGET_VIEW]["model_id"]
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert data["text/plain"] == metadata["image/png"]["alt"] == convolution.static_explorer_alt()


def test_no_widget_under_nbgrader_or_without_ipywidgets(monkeypatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert not convolution.widgets_available()
    data, _ = convolution.explorer_bundle()
    assert WIDGET_VIEW not in data and "image/png" in data
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # "import ipywidgets" now fails.
    assert not convolution.widgets_available()
    data, _ = convolution.explorer_bundle()
    assert WIDGET_VIEW not in data and "image/png" in data


@pytest.fixture(scope="module")
def executed_explorer(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    """A notebook that shows the explorer, executed by nbclient as nbval and nbconvert do."""
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("from helpers import convolution\n"
                                                "convolution.show_explorer()")]
    folder = tmp_path_factory.mktemp("explorer")
    settings.import_tensorflow_quietly()  # The kernel inherits the quiet environment.
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def test_executed_notebook_keeps_the_static_figure_beside_the_widget(executed_explorer) -> None:
    outputs = executed_explorer.cells[0].outputs
    assert [output.output_type for output in outputs] == ["display_data"]
    data = outputs[0].data
    assert WIDGET_VIEW in data and "image/png" in data and "text/plain" in data
    assert outputs[0].metadata["image/png"]["alt"] == convolution.static_explorer_alt()


def test_html_export_without_widget_state_shows_the_static_figure(executed_explorer) -> None:
    """What JupyterLab saves by default (no widget state) and nbconvert exports: the figure.

    (nbconvert's HTML template does not copy the alt text of the output's metadata into the
    page; the text stays in the notebook and in the output's text/plain.)"""
    from nbconvert import HTMLExporter

    saved = nbformat.from_dict(executed_explorer)
    saved.metadata.pop("widgets", None)
    html, _ = HTMLExporter().from_notebook_node(saved)
    assert 'type="application/vnd.jupyter.widget-view+json"' not in html
    figure = executed_explorer.cells[0].outputs[0].data["image/png"]
    assert f"data:image/png;base64,{figure}" in html
