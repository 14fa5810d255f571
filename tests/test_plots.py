"""helpers.plots: figures are built from valid input and bad input gets a clear error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402


def teardown_function() -> None:
    plt.close("all")


def test_image_grid_has_one_titled_axis_per_image() -> None:
    images = np.random.default_rng(0).integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    figure = plots.image_grid(images, titles=list("abcde"), columns=3)
    shown = [axis for axis in figure.axes if axis.images]
    assert len(figure.axes) == 6 and len(shown) == 5
    assert [axis.get_title() for axis in shown] == list("abcde")


def test_image_grid_accepts_colour_and_channel_axis() -> None:
    plots.image_grid(np.zeros((2, 32, 32, 3), dtype=np.float32))
    figure = plots.image_grid(np.zeros((2, 28, 28, 1), dtype=np.uint8))
    assert figure.axes[0].images[0].get_array().shape == (28, 28)


def test_image_grid_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="non-empty stack"):
        plots.image_grid(np.zeros((28, 28)))
    with pytest.raises(ValueError, match="one per image"):
        plots.image_grid(np.zeros((2, 8, 8)), titles=["only one"])


def test_bar_counts_labels_every_bar() -> None:
    figure = plots.bar_counts([3, 1, 2], labels=["a", "b", "c"])
    assert len(figure.axes[0].patches) == 3
    with pytest.raises(ValueError, match="1-D"):
        plots.bar_counts(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="3 counts but 2 labels"):
        plots.bar_counts([1, 2, 3], labels=["a", "b"])


def test_learning_curves_draw_training_and_validation() -> None:
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    figure = plots.learning_curves(history)
    assert len(figure.axes) == 2
    assert len(figure.axes[0].lines) == 2 and len(figure.axes[1].lines) == 1
    with pytest.raises(ValueError, match="model.fit"):
        plots.learning_curves({"mae": [1.0]})
