"""Tests of helpers.augmentation (notebook 06)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import augmentation, settings  # noqa: E402

settings.import_tensorflow_quietly()
settings.quiet_tensorflow()

import keras  # noqa: E402


def asymmetric_image(dtype: type = np.uint8) -> np.ndarray:
    """An 8x8 colour image whose left and right halves differ, so a flip changes it."""
    image = np.zeros((8, 8, 3), dtype=np.float32)
    image[:, :4, 0] = 1.0
    image[2:6, 5, 1] = 0.5
    return (image * 255).astype(np.uint8) if dtype == np.uint8 else image


def test_identity_function_gives_identical_copies():
    image = asymmetric_image(np.float32)
    copies = augmentation.augmented_copies(image, lambda batch: batch, count=5)
    assert copies.shape == (5, 8, 8, 3)
    assert copies.dtype == np.float32
    assert np.array_equal(copies, np.repeat(image[np.newaxis], 5, axis=0))


def test_keras_layer_is_identity_at_inference_and_random_in_training():
    image = asymmetric_image()
    flip = keras.layers.RandomFlip("horizontal", seed=3)
    at_inference = augmentation.augmented_copies(image, flip, count=8, training=False)
    assert np.array_equal(at_inference, np.repeat(image[np.newaxis], 8, axis=0).astype(np.float32))
    in_training = augmentation.augmented_copies(image, flip, count=32, training=True)
    flipped = image[:, ::-1].astype(np.float32)
    is_original = [np.array_equal(copy, image.astype(np.float32)) for copy in in_training]
    is_flipped = [np.array_equal(copy, flipped) for copy in in_training]
    # Every copy is either the image or its mirror, and with 32 copies both occur.
    assert all(a or b for a, b in zip(is_original, is_flipped, strict=True))
    assert any(is_original) and any(is_flipped)


def test_sequential_augmenter_keeps_shape_and_range():
    augmenter = keras.Sequential(
        [keras.layers.RandomTranslation(0.2, 0.2, seed=1), keras.layers.RandomZoom(0.2, seed=2)]
    )
    copies = augmentation.augmented_copies(asymmetric_image(np.float32), augmenter, count=6)
    assert copies.shape == (6, 8, 8, 3)
    assert copies.min() >= -1e-5 and copies.max() <= 1 + 1e-5


def test_grey_image_and_batch_of_one_are_accepted():
    grey = np.arange(16, dtype=np.float32).reshape(4, 4) / 16
    assert augmentation.augmented_copies(grey, lambda b: b, count=2).shape == (2, 4, 4, 1)
    one = asymmetric_image()[np.newaxis]
    assert augmentation.augmented_copies(one, lambda b: b, count=3).shape == (3, 8, 8, 3)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"image": np.zeros((2, 8, 8, 3)), "augmenter": lambda b: b}, "one image"),
        ({"image": np.zeros((8,)), "augmenter": lambda b: b}, "one image"),
        ({"image": np.zeros((8, 8, 3)), "augmenter": "flip"}, "augmenter should be"),
        ({"image": np.zeros((8, 8, 3)), "augmenter": lambda b: b, "count": 0}, "count"),
        ({"image": np.zeros((8, 8, 3)), "augmenter": lambda b: b, "count": 2.5}, "count"),
        ({"image": np.zeros((8, 8, 3)), "augmenter": lambda b: b[:, :4]}, "shape"),
    ],
)
def test_bad_input_raises_a_clear_error(arguments, message):
    with pytest.raises(ValueError, match=message):
        augmentation.augmented_copies(**arguments)


def test_show_augmentations_draws_original_and_copies():
    figure = augmentation.show_augmentations(asymmetric_image(), lambda b: b[:, :, ::-1], count=5,
                                             columns=3, title="flips")
    shown = [axis for axis in figure.axes if axis.images]
    assert len(shown) == 6
    assert shown[0].get_title() == "original"
    assert shown[1].get_title() == "copy 1"
    # Both are scaled from 0-255 to 0-1 for display, and the copy is the mirror image.
    original = np.asarray(shown[0].images[0].get_array())
    copy = np.asarray(shown[1].images[0].get_array())
    assert np.allclose(copy, original[:, ::-1])
    plt.close(figure)


def test_show_augmentations_scales_standardised_images():
    image = np.linspace(-2, 2, 4 * 4 * 3, dtype=np.float32).reshape(4, 4, 3)
    figure = augmentation.show_augmentations(image, lambda b: b, count=1, value_range=(-2, 2))
    shown = [axis for axis in figure.axes if axis.images]
    values = np.asarray(shown[0].images[0].get_array())
    assert values.min() == pytest.approx(0.0) and values.max() == pytest.approx(1.0)
    plt.close(figure)
    with pytest.raises(ValueError, match="value_range"):
        augmentation.show_augmentations(image, lambda b: b, value_range=(1, 1))


def test_plot_confusion_change_shows_signed_differences_and_boxes_the_diagonal():
    before = np.array([[5, 1, 0], [2, 4, 0], [0, 0, 6]])
    after = np.array([[3, 3, 0], [2, 4, 0], [1, 0, 5]])
    figure = augmentation.plot_confusion_change(before, after, ["cat", "dog", "ship"],
                                                labels=("one", "two"))
    axis = figure.axes[0]
    texts = [text.get_text() for text in axis.texts]
    assert texts == ["-2", "+2", "0", "0", "0", "0", "+1", "0", "-1"]
    assert [label.get_text() for label in axis.get_xticklabels()] == ["cat", "dog", "ship"]
    assert len(axis.patches) == 3  # One box per diagonal cell.
    assert "one" in axis.get_title() and "two" in axis.get_title()
    # The colour scale is symmetric around 0, so "no change" is the middle colour.
    low, high = axis.images[0].get_clim()
    assert low == -high == -2
    plt.close(figure)


@pytest.mark.parametrize(
    "before, after, names, message",
    [
        (np.zeros((2, 3)), np.zeros((2, 3)), ["a", "b"], "square"),
        (np.zeros((2, 2)), np.zeros((3, 3)), ["a", "b"], "same shape"),
        (np.zeros((2, 2)), np.zeros((2, 2)), ["a"], "class names"),
    ],
)
def test_plot_confusion_change_refuses_mismatched_input(before, after, names, message):
    with pytest.raises(ValueError, match=message):
        augmentation.plot_confusion_change(before, after, names)
