"""Realistic mistakes, one or more per graded exercise, as substitutions on solution cells.

Each ``Mistake`` replaces ``old`` by ``new`` in the solution cell ``grade_id`` of the source
notebook (solutions/<assignment>/<assignment>.ipynb). The corpus fails loudly when ``old`` no
longer occurs there exactly once: update the mistake when a solution changes.

A mistake must cost exactly the points of the test cell(s) right after its exercise, unless
``breaks`` names other test cells (a later exercise that reuses the broken function), and the
failing test's message must contain ``feedback`` (what was expected and what was found).

Every exercise of every notebook in solutions/ needs at least one mistake here;
tests/test_grading.py fails for notebooks or exercises without one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """One wrong answer: a text substitution in one solution cell."""

    grade_id: str
    old: str
    new: str
    what: str
    feedback: str
    breaks: tuple[str, ...] = ()


MISTAKES: dict[str, list[Mistake]] = {
    "01-mnist-data": [
        Mistake(
            grade_id="count-per-class",
            old="np.bincount(np.asarray(labels).ravel(), minlength=num_classes)[:num_classes]",
            new="np.bincount(np.asarray(labels).ravel())",
            what="np.bincount without minlength: a class that never occurs is missing",
            feedback="expected [2, 1, 3, 0]",
        ),
        Mistake(
            grade_id="indices-of-class",
            old="return np.flatnonzero(np.asarray(labels) == digit)",
            new="return np.flatnonzero(np.asarray(labels) == digit) + 1",
            what="off by one: counts positions from 1 instead of 0",
            feedback="expected 0, found 1",
        ),
        Mistake(
            grade_id="mean-image-per-class",
            old="images[labels == k].mean(axis=0)",
            new="images[labels == k].mean(axis=1)",
            what="wrong axis: averages the rows of each image instead of the images",
            feedback="expected 127.5, found 255",
        ),
        Mistake(
            grade_id="train-validation-split",
            old="split_at = len(images) - validation_size",
            new="split_at = len(images) - validation_size - 1",
            what="off by one: the validation set gets one example too many",
            feedback="should have shape (2,), but it has shape (3,)",
        ),
    ],    "02-reshaping-scaling": [
        # prepare_dataset calls add_channel_axis and one_hot, so a mistake in one of those
        # also costs prepare_dataset's test.
        Mistake(
            grade_id="add-channel-axis",
            old="return images[..., np.newaxis]",
            new="return images[np.newaxis, ...]",
            what="wrong axis: the new axis goes first (channels first) instead of last",
            feedback="should have shape (2, 3, 4, 1), but it has shape (1, 2, 3, 4)",
            breaks=("test-prepare-dataset",),
        ),
        Mistake(
            grade_id="minmax-scaling",
            old="/ np.float32(value_range)",
            new="/ np.float32(maximum)",
            what="wrong formula: divides by the maximum instead of by max - min",
            feedback="expected 1, found 0.952381",
        ),
        Mistake(
            grade_id="per-channel-standardize",
            old="test_standardised = ((np.asarray(test_images) - mean) / std)",
            new="test_standardised = ((np.asarray(test_images)"
                " - np.asarray(test_images).mean(axis=(0, 1, 2), keepdims=True)) / std)",
            what="data leak: the test set is centred with its own mean, not the training mean",
            feedback="expected 3, found 2",
        ),
        Mistake(
            grade_id="one-hot",
            old="[labels.astype(np.int64)]",
            new="[labels.astype(np.int64) - 1]",
            what="off by one: treats the labels as counted from 1",
            feedback="values differ",
            breaks=("test-prepare-dataset",),
        ),
        Mistake(
            grade_id="prepare-dataset",
            old="x = add_channel_axis(images).astype(np.float32) / np.float32(255)",
            new="x = add_channel_axis(images).astype(np.float32)",
            what="forgets to scale the pixels to [0, 1]",
            feedback="expected 1, found 255",
        ),
    ],
    "03-parameter-arithmetic": [
        # model_param_table calls dense_params, conv2d_params and conv_output_size, so a
        # mistake in one of those also costs the model table's test.
        Mistake(
            grade_id="dense-params",
            old="return inputs * units + units",
            new="return inputs * units",
            what="forgets the biases, one per unit",
            feedback="expected 589952, but found 589824",
            breaks=("test-model-param-table",),
        ),
        Mistake(
            grade_id="conv2d-params",
            old="(kernel_height * kernel_width * in_channels + 1) * filters",
            new="(kernel_height * kernel_width + 1) * filters",
            what="forgets that each filter spans every input channel",
            feedback="expected 2432, but found 832",
            breaks=("test-model-param-table",),
        ),
        Mistake(
            grade_id="conv-output-size",
            old="return (n - kernel) // stride + 1",
            new="return (n - kernel) // stride",
            what="off by one: forgets the + 1 of the valid-padding formula",
            feedback="expected 24, but found 23",
            breaks=("test-model-param-table",),
        ),
        Mistake(
            grade_id="model-param-table",
            old="shape = (int(np.prod(shape)),)",
            new="shape = (shape[-1],)",
            what="wrong shape: Flatten keeps only the channels instead of multiplying all axes",
            feedback="expected [(24, 24, 32), (12, 12, 32), (4608,), (128,), (10,)]",
        ),
        Mistake(
            grade_id="build-small-cnn",
            old='keras.layers.Dense(10, activation="softmax")',
            new="keras.layers.Dense(10)",
            what="forgets the softmax, so the outputs are not probabilities",
            feedback="the sum of each row of predicted probabilities",
        ),
    ],    "04-training-cnn": [
        Mistake(
            grade_id="build-sequential-model",
            old="layers.Flatten(),\n        layers.Dropout(dropout_rate),",
            new="layers.Flatten(),",
            what="forgets the Dropout layer of the table",
            feedback="the layer types of build_sequential_model(), in order: expected",
        ),
        Mistake(
            grade_id="build-functional-model",
            old="for _ in range(2):",
            new="for _ in range(1):",
            what="one convolution per block instead of two",
            feedback="the layer types of build_functional_model()",
        ),
        Mistake(
            grade_id="compile-model",
            old='"one_hot": "categorical_crossentropy"',
            new='"one_hot": "sparse_categorical_crossentropy"',
            what="the sparse loss for one-hot labels",
            feedback="One-hot labels need the loss 'categorical_crossentropy'",
        ),
        Mistake(
            grade_id="best-epoch",
            old="return int(index) + 1",
            new="return int(index)",
            what="off by one: counts epochs from 0",
            feedback="expected 2, but found 1",
        ),
        Mistake(
            grade_id="predict-labels",
            old="np.argmax(model.predict(images, verbose=0), axis=1)",
            new="np.argmax(model.predict(images, verbose=0), axis=0)",
            what="wrong axis: the argmax runs over the images instead of the classes",
            feedback="should have shape (4,), but it has shape (3,)",
        ),
        Mistake(
            grade_id="predict-with-threshold",
            old="probabilities.max(axis=1) >= threshold",
            new="probabilities.max(axis=1) > threshold",
            what="off by one at the boundary: a probability equal to the threshold is unsure",
            feedback="values differ",
        ),
    ],
    "05-evaluating-classifier": [
        Mistake(
            grade_id="misclassified-indices",
            old="np.flatnonzero(true_labels != predicted_labels)",
            new="np.flatnonzero(true_labels == predicted_labels)",
            what="returns the right predictions instead of the wrong ones",
            feedback="should have shape (2,), but it has shape (4,)",
        ),
        Mistake(
            grade_id="confusion-matrix-np",
            old="pair_codes = true_labels * num_classes + predicted_labels",
            new="pair_codes = predicted_labels * num_classes + true_labels",
            what="transposed: rows are the predictions instead of the true classes",
            feedback="values differ",
        ),
        Mistake(
            grade_id="per-class-accuracy",
            old="np.diagonal(matrix) / matrix.sum(axis=1)",
            new="np.diagonal(matrix) / matrix.sum(axis=0)",
            what="wrong axis: divides by the column sums (predictions) instead of the rows",
            feedback="expected 0.8, found 0.888889",
        ),
        Mistake(
            grade_id="most-confused-pair",
            old="    np.fill_diagonal(off_diagonal, -1)\n",
            new="",
            what="forgets to leave out the diagonal (the right answers)",
            feedback="expected (1, 0), but found (2, 2)",
        ),
        Mistake(
            grade_id="precision-recall-f1",
            old="return precision, recall, f1",
            new="return recall, precision, f1",
            what="swaps precision and recall",
            feedback="expected 0.75, found 0.6",
        ),
    ],
    "06-cifar10-augmentation": [
        Mistake(
            grade_id="class-counts",
            old="{name: int(count) for",
            new="{name: count for",
            what="returns NumPy integers instead of Python ints",
            feedback="should be a int, but it is a int64",
        ),
        Mistake(
            grade_id="build-augmenter",
            old="RandomRotation(max_rotation_degrees / 360",
            new="RandomRotation(np.radians(max_rotation_degrees)",
            what="passes radians where Keras expects a fraction of a full turn",
            feedback="expected -0.05, found -0.314159",
        ),
        Mistake(
            grade_id="build-cifar-model",
            old="        if filters != 128:\n"
                "            outputs = keras.layers.MaxPooling2D()(outputs)",
            new="        outputs = keras.layers.MaxPooling2D()(outputs)",
            what="pools after every block, one pooling too many",
            feedback="expected 3, but found 4",
        ),
        Mistake(
            grade_id="predict-with-flip",
            old="images[:, :, ::-1, :]",
            new="images[:, ::-1, :, :]",
            what="wrong axis: mirrors the images upside down instead of left to right",
            feedback="left-right mirror images",
        ),
        Mistake(
            grade_id="top-confused-classes",
            old="order = np.argsort(-flat, kind=\"stable\")",
            new="order = np.argsort(flat, kind=\"stable\")",
            what="sorts from the smallest count instead of the largest",
            feedback="expected [('cat', 'frog', 9), ('dog', 'cat', 7)], but found []",
        ),
    ],
}
