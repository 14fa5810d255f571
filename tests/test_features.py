"""Tests for helpers.features (notebook 04): filters, feature maps and the accuracy chart, and
for helpers.layers.layer_sources, the wiring of a model that notebook 04's residual exercise
checks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import settings  # noqa: E402

settings.import_tensorflow_quietly()
settings.quiet_tensorflow()

import keras  # noqa: E402

from helpers import features  # noqa: E402
from helpers import layers as layer_tools  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def small_cnn() -> keras.Sequential:
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        keras.layers.Conv2D(5, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(3, 3, padding="same"),
        keras.layers.Flatten(),
        keras.layers.Dense(2, activation="softmax"),
    ])


# features.plot_filters


def test_plot_filters_shows_each_filter_on_one_scale():
    model = small_cnn()
    kernel = np.arange(3 * 3 * 5, dtype="float32").reshape(3, 3, 1, 5) - 20
    model.layers[0].set_weights([kernel, np.zeros(5, "float32")])
    figure = features.plot_filters(model.layers[0], columns=3)
    images = [axis.images[0] for axis in figure.axes if axis.images]
    assert len(images) == 5
    for index, image in enumerate(images):
        np.testing.assert_array_equal(image.get_array(), kernel[:, :, 0, index])
        assert image.get_clim() == (-24.0, 24.0)  # symmetric around 0, the largest |weight|
    assert "5 learned filters" in figure._suptitle.get_text()


def test_plot_filters_refuses_other_layers():
    model = small_cnn()
    with pytest.raises(ValueError, match="Conv2D layer"):
        features.plot_filters(model.layers[1])
    with pytest.raises(ValueError, match="one grey channel"):
        features.plot_filters(model.layers[2])  # reads 5 channels


# features.feature_maps and plot_feature_maps


def test_feature_maps_are_what_each_layer_computes():
    model = small_cnn()
    image = np.random.default_rng(0).random((8, 8, 1)).astype("float32")
    maps = features.feature_maps(model, image)
    assert [layer_maps.kind for layer_maps in maps] == ["Conv2D", "MaxPooling2D", "Conv2D"]
    assert [layer_maps.maps.shape for layer_maps in maps] == [(6, 6, 5), (3, 3, 5), (3, 3, 3)]
    first = keras.Model(model.inputs, model.layers[0].output)
    np.testing.assert_allclose(maps[0].maps, first.predict(image[None], verbose=0)[0], rtol=1e-6)
    np.testing.assert_allclose(maps[1].maps, maps[0].maps[:6, :6].reshape(3, 2, 3, 2, 5)
                               .max(axis=(1, 3)), rtol=1e-6)


def test_feature_maps_checks_the_image_shape():
    with pytest.raises(ValueError, match=r"shape \(8, 8, 1\)"):
        features.feature_maps(small_cnn(), np.zeros((1, 8, 8, 1)))
    with pytest.raises(ValueError, match="no layer of the types"):
        features.feature_maps(small_cnn(), np.zeros((8, 8, 1)), layer_types=("Add",))


def test_plot_feature_maps_draws_one_row_per_layer():
    model = small_cnn()
    image = np.ones((8, 8, 1), "float32")
    figure = features.plot_feature_maps(features.feature_maps(model, image), image=image,
                                        channels=4)
    drawn = [axis for axis in figure.axes if axis.images]
    # The input, then 4 + 4 + 3 channels (the last layer has only 3).
    assert len(drawn) == 1 + 4 + 4 + 3
    texts = [text.get_text() for axis in figure.axes for text in axis.texts]
    assert texts == ["Conv2D: 6 × 6 × 5 (channels 0-3 shown)",
                     "MaxPooling2D: 3 × 3 × 5 (channels 0-3 shown)",
                     "Conv2D: 3 × 3 × 3 (channels 0-2 shown)"]
    with pytest.raises(ValueError, match="empty"):
        features.plot_feature_maps([])


# features.plot_accuracy_comparison


def test_accuracy_comparison_labels_every_bar_with_its_value():
    results = {"MLP": {"original": 0.98, "shuffled": 0.979},
               "CNN": {"original": 0.993, "shuffled": 0.967}}
    figure = features.plot_accuracy_comparison(results, measure="validation accuracy")
    axis = figure.axes[0]
    labels = [text.get_text() for text in axis.texts]
    assert labels == ["98.00%", "99.30%", "97.90%", "96.70%"]
    hatches = {patch.get_hatch() for patch in axis.patches}
    assert hatches == {"", "//"}  # the two versions differ by more than colour
    assert axis.get_ylim()[0] == pytest.approx(0.9)
    assert axis.get_ylabel() == "validation accuracy (axis starts at 90%)"


@pytest.mark.parametrize("results", [
    {},
    {"MLP": {"original": 0.9}, "CNN": {"shuffled": 0.9}},
    {"MLP": {"original": 98.0}},
])
def test_accuracy_comparison_rejects_bad_results(results):
    with pytest.raises(ValueError):
        features.plot_accuracy_comparison(results)


# layers.layer_sources


def test_layer_sources_of_a_chain_and_of_a_residual_block():
    assert layer_tools.layer_sources(small_cnn()) == [(0,), (1,), (2,), (3,), (4,)]
    inputs = keras.Input(shape=(8, 8, 1))
    stem = keras.layers.Conv2D(2, 3, padding="same")(inputs)
    branch = keras.layers.Conv2D(2, 3, padding="same")(stem)
    merged = keras.layers.Add()([branch, stem])
    outputs = keras.layers.Dense(3)(keras.layers.Flatten()(merged))
    model = keras.Model(inputs, outputs)
    assert layer_tools.layer_sources(model) == [(0,), (1,), (2, 1), (3,), (4,)]


def test_layer_sources_refuses_shared_layers_and_non_models():
    shared = keras.layers.Dense(4)
    inputs = keras.Input(shape=(4,))
    with pytest.raises(ValueError, match="shared"):
        layer_tools.layer_sources(keras.Model(inputs, shared(shared(inputs))))
    with pytest.raises(ValueError, match="Keras model"):
        layer_tools.layer_sources("a model")
