"""Mistakes in the answers of 06-cifar10-augmentation (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "06-cifar10-augmentation"

MISTAKES: list[Mistake] = [
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
]
