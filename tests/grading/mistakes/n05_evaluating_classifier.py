"""Mistakes in the answers of 05-evaluating-classifier (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "05-evaluating-classifier"

MISTAKES: list[Mistake] = [
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
]
