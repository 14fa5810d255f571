"""Mistakes in the answers of 01-mnist-data (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "01-mnist-data"

MISTAKES: list[Mistake] = [
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
]
