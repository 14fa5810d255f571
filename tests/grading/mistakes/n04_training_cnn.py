"""Mistakes in the answers of 04-training-cnn (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "04-training-cnn"

MISTAKES: list[Mistake] = [
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
]
