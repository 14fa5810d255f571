"""Mistakes in the answers of 02-reshaping-scaling (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "02-reshaping-scaling"

MISTAKES: list[Mistake] = [
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
]
