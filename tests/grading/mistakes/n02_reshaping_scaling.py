"""Mistakes in the answers of 02-reshaping-scaling (see tests/grading/mistakes/__init__.py).

prepare-dataset declares that it reuses add-channel-axis and one-hot (its text says so, and its
answer cell's metadata has ``course.requires``): a mistake there that changes what
prepare_dataset returns also costs prepare-dataset's cells (``breaks``).
"""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "02-reshaping-scaling"

CHANNEL_3D = "return images[..., np.newaxis]"
APPLY_BODY = ("images = np.asarray(images, dtype=np.float32)\n"
              "    return ((images - np.float32(minimum)) / np.float32(value_range))"
              ".astype(np.float32)")
FIT_RETURN = "return float(images.min()), float(images.max())"
STANDARDISED = ("train_standardised = ((train_images - mean) / std).astype(np.float32)\n"
                "    test_standardised = ((test_images - mean) / std).astype(np.float32)")
STATISTICS = ("mean = train_images.mean(axis=(0, 1, 2), keepdims=True, dtype=np.float64)\n"
              "    std = train_images.std(axis=(0, 1, 2), keepdims=True, dtype=np.float64)")
ONE_HOT = "return np.eye(num_classes, dtype=np.float32)[labels.astype(np.int64)]"
RANGE_CHECK = "if labels.size and (labels.min() < 0 or labels.max() >= num_classes):"
SCALE = "x = add_channel_axis(images).astype(np.float32) / np.float32(255)"
PREPARE_BOTH = ("test-prepare-dataset", "test-prepare-dataset-errors")

MISTAKES: list[Mistake] = [
    # add-channel-axis: (N, H, W) -> (N, H, W, 1), (H, W) -> (1, H, W, 1), 4 axes kept, errors.
    Mistake(
        grade_id="add-channel-axis",
        old=CHANNEL_3D,
        new="return images[np.newaxis, ...]",
        what="wrong axis: the new axis goes first (channels first) instead of last",
        feedback="The shapes differ: (1, 2, 3, 4) instead of (2, 3, 4, 1)",
        cells=("test-add-channel-axis",),
        breaks=("test-prepare-dataset",),
    ),
    Mistake(
        grade_id="add-channel-axis",
        old=CHANNEL_3D,
        new="return images.reshape(-1, 28, 28, 1)",
        what="hard-codes MNIST's 28x28 size in the reshape",
        cells=("test-add-channel-axis",),
        breaks=PREPARE_BOTH,
    ),
    Mistake(
        grade_id="add-channel-axis",
        old="images = np.asarray(images)\n    if images.ndim == 4:",
        new="images = np.asarray(images)\n    return np.expand_dims(images, axis=-1)\n"
            "    if images.ndim == 4:",
        what="always adds a last axis, whatever the number of axes",
        feedback="The shapes differ: (2, 3, 1) instead of (1, 2, 3, 1)",
        cells=("test-add-channel-axis-edge-cases",),
        breaks=("test-prepare-dataset",),
    ),
    Mistake(
        grade_id="add-channel-axis",
        old="return images[np.newaxis, ..., np.newaxis]",
        new="return images[..., np.newaxis]",
        what="a single image gets a channel axis but no batch axis",
        feedback="The shapes differ: (2, 3, 1) instead of (1, 2, 3, 1)",
        cells=("test-add-channel-axis-edge-cases",),
    ),
    Mistake(
        grade_id="add-channel-axis",
        old="raise ValueError(",
        new="return images\n    raise ValueError(",
        what="returns other shapes unchanged instead of raising ValueError",
        feedback="expected a ValueError, but found no error",
        cells=("test-add-channel-axis-edge-cases",),
    ),
    Mistake(
        grade_id="add-channel-axis",
        old="images = np.asarray(images)\n    if images.ndim == 4:",
        new="images = np.asarray(images, dtype=np.float32)\n    if images.ndim == 4:",
        what="converts to float32 while adding the axis: the dtype changes",
        feedback="expected dtype uint8, but found dtype float32",
    ),
    Mistake(
        grade_id="add-channel-axis",
        old=CHANNEL_3D,
        new="return np.expand_dims(images, axis=-1)",
        what="np.expand_dims for the stack of greyscale images",
        correct=True,
    ),
    Mistake(
        grade_id="add-channel-axis",
        old=CHANNEL_3D,
        new="return images.reshape(images.shape + (1,))",
        what="a reshape to the shape plus a last axis of size 1",
        correct=True,
    ),
    # minmax-scaling: two Python floats; float32 (x - min) / (max - min) with the given
    # statistics; no uint8 wrap-around, max == min divides by 1, input left unchanged.
    Mistake(
        grade_id="minmax-scaling",
        old="/ np.float32(value_range)",
        new="/ np.float32(maximum)",
        what="wrong formula: divides by the maximum instead of by max - min",
        feedback="expected 1, found 0.952381",
    ),
    Mistake(
        grade_id="minmax-scaling",
        old="(images - np.float32(minimum))",
        new="(images - np.float32(maximum))",
        what="subtracts the maximum instead of the minimum (the old tutorial's bug)",
        feedback="expected 0, found -1",
    ),
    Mistake(
        grade_id="minmax-scaling",
        old=APPLY_BODY,
        new="images = np.asarray(images, dtype=np.float32)\n"
            "    minimum, maximum = images.min(), images.max()  # The batch's own statistics.\n"
            "    return ((images - minimum) / (maximum - minimum)).astype(np.float32)",
        what="scales with the images' own minimum and maximum, ignoring the training statistics",
        feedback="expected 1.2, found 1",
    ),
    Mistake(
        grade_id="minmax-scaling",
        old=FIT_RETURN,
        new="return images.min(), images.max()",
        what="minmax_fit returns NumPy numbers (np.uint8) instead of Python floats",
        feedback="Item 0: a NumPy uint8 scalar where a Python float is expected",
    ),
    Mistake(
        grade_id="minmax-scaling",
        old=APPLY_BODY,
        new="return (np.asarray(images) - minimum) / value_range",
        what="returns NumPy's default float64 instead of float32 (and wraps uint8 numbers)",
        feedback="NumPy computes in float64 unless told otherwise",
    ),
    Mistake(
        grade_id="minmax-scaling",
        old=APPLY_BODY,
        new="return ((images - minimum) / value_range).astype(np.float32)",
        what="subtracts before converting: uint8 minus a uint8 minimum wraps around",
        feedback="arithmetic on uint8 wraps around",
        cells=("test-minmax-scaling-edge-cases",),
    ),
    Mistake(
        grade_id="minmax-scaling",
        old="    if value_range == 0:\n        value_range = 1.0\n",
        new="",
        what="no guard for max == min: 0 / 0 gives nan",
        feedback="NaN (not a number)",
        cells=("test-minmax-scaling-edge-cases",),
    ),
    Mistake(
        grade_id="minmax-scaling",
        old=APPLY_BODY,
        new="images = np.asarray(images, dtype=np.float32)  # The caller's array when float32.\n"
            "    images -= np.float32(minimum)\n"
            "    images /= np.float32(value_range)\n"
            "    return images",
        what="subtracts and divides in place: a float32 input is changed",
        feedback="the function changed its input",
        cells=("test-minmax-scaling-edge-cases",),
    ),
    Mistake(
        grade_id="minmax-scaling",
        old=FIT_RETURN,
        new="return float(images.flat[0]), float(images.flat[-1])",
        what="takes the first and last value as minimum and maximum (true for the sorted example)",
        cells=("test-minmax-scaling",),
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="minmax-scaling",
        old=APPLY_BODY,
        new="scaled = (np.asarray(images, dtype=np.float64) - float(minimum)) / value_range\n"
            "    return scaled.astype(np.float32)",
        what="computes in float64 and converts the result to float32",
        correct=True,
    ),
    # per-channel-standardize: training mean and std per channel (ddof=0), float32 pair,
    # std 0 divides by 1, inputs left unchanged.
    Mistake(
        grade_id="per-channel-standardize",
        old="test_standardised = ((test_images - mean) / std).astype(np.float32)",
        new="test_standardised = ((test_images"
            " - test_images.mean(axis=(0, 1, 2), keepdims=True)) / std).astype(np.float32)",
        what="data leak: the test set is centred with its own mean, not the training mean",
        feedback="expected 3, found 1.5",
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old="std = train_images.std(axis=(0, 1, 2), keepdims=True, dtype=np.float64)",
        new="std = train_images.std(axis=(0, 1, 2), keepdims=True, dtype=np.float64, ddof=1)",
        what="the sample standard deviation (ddof=1, pandas' default) instead of NumPy's default",
        feedback="expected -1, found -0.866025",
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old=STATISTICS,
        new="mean = train_images.mean(axis=0, keepdims=True, dtype=np.float64)\n"
            "    std = train_images.std(axis=0, keepdims=True, dtype=np.float64)",
        what="statistics per pixel (axis=0) instead of per channel",
        feedback="expected -1, found 0",
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old=STATISTICS,
        new="mean = train_images.mean(dtype=np.float64)\n"
            "    std = train_images.std(dtype=np.float64)",
        what="one mean and std for all channels together",
        feedback="the standardised training images",
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old=STANDARDISED,
        new="train_standardised = (train_images - mean) / std\n"
            "    test_standardised = (test_images - mean) / std",
        what="returns NumPy's default float64 instead of float32",
        feedback="NumPy computes in float64 unless told otherwise",
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old="std = np.where(std == 0, 1.0, std)",
        new="pass  # No guard for a channel whose std is 0.",
        what="no guard for a channel with std 0: 0 / 0 gives nan",
        feedback="NaN (not a number)",
        cells=("test-per-channel-standardize-edge-cases",),
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old=STANDARDISED,
        new="train_standardised = np.asarray(train_images, dtype=np.float32)\n"
            "    test_standardised = np.asarray(test_images, dtype=np.float32)\n"
            "    train_standardised -= mean.astype(np.float32)  # Float32 input changes.\n"
            "    train_standardised /= std.astype(np.float32)\n"
            "    test_standardised -= mean.astype(np.float32)\n"
            "    test_standardised /= std.astype(np.float32)",
        what="standardises in place: float32 inputs are changed",
        feedback="the function changed its input",
        cells=("test-per-channel-standardize-edge-cases",),
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old=STANDARDISED,
        new="train_standardised = np.empty(train_images.shape, dtype=np.float32)\n"
            "    test_standardised = np.empty(test_images.shape, dtype=np.float32)\n"
            "    for channel in range(train_images.shape[-1]):\n"
            "        channel_mean = mean[..., channel]\n"
            "        channel_std = std[..., channel]\n"
            "        train_standardised[..., channel] = (\n"
            "            (train_images[..., channel] - channel_mean) / channel_std)\n"
            "        test_standardised[..., channel] = (\n"
            "            (test_images[..., channel] - channel_mean) / channel_std)",
        what="a loop over the channels into float32 arrays",
        correct=True,
    ),
    Mistake(
        grade_id="per-channel-standardize",
        old=STATISTICS,
        new="mean = train_images.astype(np.float32).mean(axis=(0, 1, 2), keepdims=True)\n"
            "    std = train_images.astype(np.float32).std(axis=(0, 1, 2), keepdims=True)",
        what="statistics computed in float32 (the hint's float64 is advice, not a requirement)",
        correct=True,
    ),
    # one-hot: float32 (N, C) rows for labels (N,) or (N, 1); ValueError outside 0..C-1.
    Mistake(
        grade_id="one-hot",
        old="[labels.astype(np.int64)]",
        new="[labels.astype(np.int64) - 1]",
        what="off by one: treats the labels as counted from 1",
        feedback="values differ",
        breaks=("test-prepare-dataset",),
    ),
    Mistake(
        grade_id="one-hot",
        old=ONE_HOT,
        new="return np.eye(num_classes)[labels.astype(np.int64)]",
        what="np.eye without dtype: float64 rows where float32 is asked",
        feedback="NumPy computes in float64 unless told otherwise",
        breaks=("test-prepare-dataset",),
    ),
    Mistake(
        grade_id="one-hot",
        old="labels = np.asarray(labels).reshape(-1)",
        new="labels = np.asarray(labels)",
        what="labels shaped (N, 1) are not flattened: the result has shape (N, 1, C)",
        feedback="The shapes differ: (2, 1, 4) instead of (2, 4)",
        cells=("test-one-hot",),
        breaks=("test-prepare-dataset",),
    ),
    Mistake(
        grade_id="one-hot",
        old=ONE_HOT,
        new="return np.eye(labels.max() + 1, dtype=np.float32)[labels.astype(np.int64)]",
        what="infers the number of classes from the largest label instead of num_classes",
        feedback="The shapes differ: (2, 2) instead of (2, 4)",
        cells=("test-one-hot",),
    ),
    Mistake(
        grade_id="one-hot",
        old=RANGE_CHECK,
        new="if False:  # The labels are not checked.",
        what="no range check: -1 silently becomes the last class",
        feedback="IndexError instead",
        cells=("test-one-hot-errors",),
    ),
    Mistake(
        grade_id="one-hot",
        old=RANGE_CHECK,
        new="if labels.size and labels.max() >= num_classes:",
        what="checks only the upper end: a negative label passes",
        feedback="one_hot([-1, 2], num_classes=5)",
        cells=("test-one-hot-errors",),
    ),
    Mistake(
        grade_id="one-hot",
        old=RANGE_CHECK,
        new="if labels.size and (labels.min() < 0 or labels.max() >= num_classes - 1):",
        what="off-by-one range check: the last class num_classes - 1 is refused",
        breaks=PREPARE_BOTH,
    ),
    Mistake(
        grade_id="one-hot",
        old=ONE_HOT,
        new="result = np.zeros((len(labels), num_classes), dtype=np.float32)\n"
            "    result[np.arange(len(labels)), labels] = 1\n"
            "    return result",
        what="an array of zeros with a 1 set at each label's column",
        correct=True,
    ),
    # prepare-dataset: float32 x / 255 with a channel axis, float32 one-hot y, ValueError for
    # images that are not uint8.
    Mistake(
        grade_id="prepare-dataset",
        old=SCALE,
        new="x = add_channel_axis(images).astype(np.float32)",
        what="forgets to scale the pixels to [0, 1]",
        feedback="expected 0.8, found 204",
        cells=("test-prepare-dataset",),
    ),
    Mistake(
        grade_id="prepare-dataset",
        old=SCALE,
        new="x = add_channel_axis(images).astype(np.float32) / np.float32(images.max())",
        what="divides by the batch's own maximum instead of 255",
        feedback="expected 0.8, found 1",
        cells=("test-prepare-dataset",),
    ),
    Mistake(
        grade_id="prepare-dataset",
        old=SCALE,
        new="x = add_channel_axis(images) / 255",
        what="divides the uint8 images by 255 without converting: float64",
        feedback="NumPy computes in float64 unless told otherwise",
    ),
    Mistake(
        grade_id="prepare-dataset",
        old="if images.dtype != np.uint8:",
        new="if False:  # The dtype is not checked.",
        what="no dtype check: scaled images are divided by 255 again",
        feedback="expected a ValueError, but found no error",
        cells=("test-prepare-dataset-errors",),
    ),
    Mistake(
        grade_id="prepare-dataset",
        old="if images.dtype != np.uint8:",
        new="if images.max() <= 1:  # Guesses from the values instead of the dtype.",
        what="guesses 'already scaled' from the values: float images from 0 to 255 get through",
        feedback="float32 images with values from 0 to 255",
        cells=("test-prepare-dataset-errors",),
    ),
    Mistake(
        grade_id="prepare-dataset",
        old=SCALE,
        new="x = add_channel_axis(images.astype(np.float32) / 255)",
        what="scales first, then adds the channel axis",
        correct=True,
    ),
]

# Wrong answers returned as a type whose own `==` always says "equal": grading takes the points
# and the tamper report flags them (the generic equality trick of tests/grading/hostile.py wraps
# minmax_fit, the first function of its cell; this one fakes minmax_apply's array).
MISTAKES.append(Mistake(
    grade_id="minmax-scaling",
    old=APPLY_BODY,
    new="class AlwaysEqual(np.ndarray):\n"
        "        def __eq__(self, other):\n"
        "            return np.ones(np.shape(self), dtype=bool)\n"
        "\n"
        "    return np.asarray(images, dtype=np.float32).view(AlwaysEqual)  # Not even scaled.",
    what="an unscaled array returned as an ndarray subclass whose == always says equal",
    feedback="a subclass of NumPy array",
    flags=("comparison-override",),
))
