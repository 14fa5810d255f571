"""Mistakes in the answers of 03-parameter-arithmetic (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "03-parameter-arithmetic"

MISTAKES: list[Mistake] = [
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
]
