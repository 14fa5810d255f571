"""Mistakes in the answers of 05-evaluating-classifier (see tests/grading/mistakes/__init__.py).

Per exercise: the misconceptions its text warns about, the wrong types of issue 10 (a list or a
tuple where an array is asked, NumPy scalars where Python numbers are asked, a float array of
counts), the wrong orders (transposed matrix, precision and recall swapped, ties and returned
arrays in another order), missing checks, inputs changed in place, an answer hard-coded to the
visible example, answers whose own ``==`` always says equal, and right answers written another
way.
"""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "05-evaluating-classifier"

# The lines of the solutions that the mistakes replace.
MISCLASSIFIED_RETURN = "return np.flatnonzero(true_labels != predicted_labels)"
MISCLASSIFIED_LENGTHS = "if len(true_labels) != len(predicted_labels):"
MISCLASSIFIED_CHECK = (
    "if len(true_labels) != len(predicted_labels):\n"
    "        raise ValueError(f\"got {len(true_labels)} true labels but "
    "{len(predicted_labels)} \"\n"
    "                         \"predicted labels; pass one prediction per example\")\n"
    "    return np.flatnonzero")

CONFUSION_CONVERSION = ("true_labels = np.asarray(true_labels, dtype=np.int64)\n"
                        "    predicted_labels = np.asarray(predicted_labels, dtype=np.int64)")
CONFUSION_LENGTHS = (
    "    if len(true_labels) != len(predicted_labels):\n"
    "        raise ValueError(f\"got {len(true_labels)} true labels but "
    "{len(predicted_labels)} \"\n"
    "                         \"predicted labels; pass one prediction per example\")\n")
CONFUSION_RANGE = ("if all_labels.size and "
                   "(all_labels.min() < 0 or all_labels.max() >= num_classes):")
CONFUSION_CODES = "pair_codes = true_labels * num_classes + predicted_labels"
CONFUSION_COUNT = ("pair_codes = true_labels * num_classes + predicted_labels\n"
                   "    counts = np.bincount(pair_codes, minlength=num_classes * num_classes)\n"
                   "    return counts.reshape(num_classes, num_classes)")

ACCURACY_BODY = ("matrix = np.asarray(matrix, dtype=np.float64)\n"
                 "    return np.diagonal(matrix) / matrix.sum(axis=1)")
ACCURACY_RETURN = "return np.diagonal(matrix) / matrix.sum(axis=1)"

PAIR_COPY = "off_diagonal = np.array(matrix, dtype=np.int64, copy=True)"
PAIR_NONE = "    if off_diagonal.max() <= 0:\n        return None\n"
PAIR_WHERE = "row, column = np.unravel_index(np.argmax(off_diagonal), off_diagonal.shape)"
PAIR_RETURN = "return int(row), int(column)"
PAIR_BODY = (PAIR_COPY + "\n    np.fill_diagonal(off_diagonal, -1)\n" + PAIR_NONE
             + "    " + PAIR_WHERE + "\n    " + PAIR_RETURN)

SCORES_COUNTS = ("true_positives = float(matrix[k, k])\n"
                 "    false_positives = float(matrix[:, k].sum()) - true_positives\n"
                 "    false_negatives = float(matrix[k, :].sum()) - true_positives")
SCORES_PRECISION = "precision = true_positives / predicted_k if predicted_k > 0 else 0.0"
SCORES_F1 = "f1 = 2 * precision * recall / both if both > 0 else 0.0"
SCORES_RETURN = "return precision, recall, f1"

BINS_INDEX = ("bins = np.minimum(np.floor(confidences * num_bins).astype(np.int64), "
              "num_bins - 1)")
BINS_RANGE = ("    if len(confidences) and (np.min(confidences) < 0 or np.max(confidences) > 1):\n"
              "        raise ValueError(f\"confidences run from {np.min(confidences)} to "
              "{np.max(confidences)}; \"\n"
              "                         \"they should be probabilities, between 0 and 1\")\n")
BINS_SUMS = (
    BINS_INDEX + "\n"
    "    counts = np.bincount(bins, minlength=num_bins)\n"
    "    confidence_sums = np.bincount(bins, weights=confidences, minlength=num_bins)\n"
    "    right_sums = np.bincount(bins, weights=np.asarray(correct, dtype=np.float64),\n"
    "                             minlength=num_bins)")
BINS_DIVIDE = (
    "mean_confidence = np.divide(confidence_sums, counts, out=np.full(num_bins, np.nan),\n"
    "                                where=filled)\n"
    "    accuracy = np.divide(right_sums, counts, out=np.full(num_bins, np.nan), where=filled)")
BINS_RETURN = "return mean_confidence, accuracy, counts"

MISTAKES: list[Mistake] = [
    # ---------------------------------------------------------------------------------------
    # misclassified-indices: an integer array of increasing indices; ValueError for lengths.
    # ---------------------------------------------------------------------------------------
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="return np.flatnonzero(true_labels == predicted_labels)",
        what="returns the right predictions instead of the wrong ones",
        feedback="The shapes differ: (4,) instead of (2,)",
        cells=("test-misclassified-indices",),
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="return np.where(true_labels != predicted_labels)",
        what="np.where(condition) returns a tuple of index arrays, not an array",
        feedback="expected a NumPy array, but found (a NumPy array",
        cells=("test-misclassified-indices",),
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="return np.flatnonzero(true_labels != predicted_labels).tolist()",
        what="returns a Python list where a NumPy array is asked",
        feedback="a Python list where a NumPy array is asked",
        cells=("test-misclassified-indices",),
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="return np.array([index for index in range(len(true_labels))\n"
            "                     if true_labels[index] != predicted_labels[index]])",
        what="np.array of an empty list is float64: no mistakes gives a float array",
        feedback="expected an integer dtype, but found dtype float64",
        cells=("test-misclassified-indices",),
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_CHECK,
        new="return np.flatnonzero",
        what="no length check: NumPy broadcasts one label against every prediction",
        feedback="expected a ValueError, but found no error",
        cells=("test-misclassified-indices-lengths",),
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_LENGTHS,
        new="if len(true_labels) > len(predicted_labels):",
        what="checks the lengths in one direction only",
        feedback="expected a ValueError, but found no error",
        cells=("test-misclassified-indices-lengths",),
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="if np.array_equal(true_labels, predicted_labels):\n"
            "        return np.array([], dtype=int)\n"
            "    return np.array([1, 4])",
        what="hard-codes the visible example's answer",
        cells=("test-misclassified-indices",),
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="class AlwaysEqual(np.ndarray):\n"
            "        def __eq__(self, other):\n"
            "            return np.ones(np.broadcast(self, other).shape, dtype=bool)\n"
            "\n"
            "    return np.flatnonzero(true_labels == predicted_labels).view(AlwaysEqual)",
        what="wrong indices in an array subclass whose own == always says equal",
        feedback="a subclass of NumPy array",
        cells=("test-misclassified-indices",),
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="return np.nonzero(true_labels != predicted_labels)[0]",
        what="np.nonzero(...)[0] instead of np.flatnonzero",
        correct=True,
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="return np.array([index for index in range(len(true_labels))\n"
            "                     if true_labels[index] != predicted_labels[index]], "
            "dtype=np.int64)",
        what="a Python loop, with the integer dtype given",
        correct=True,
    ),
    Mistake(
        grade_id="misclassified-indices",
        old=MISCLASSIFIED_RETURN,
        new="return np.flatnonzero(true_labels - predicted_labels)",
        what="subtracts the labels (uint8 wraps around, but never to 0)",
        correct=True,
    ),
    # ---------------------------------------------------------------------------------------
    # confusion-matrix-np: an integer (K, K) array, rows true; ValueError for bad input.
    # ---------------------------------------------------------------------------------------
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_CODES,
        new="pair_codes = predicted_labels * num_classes + true_labels",
        what="transposed: rows are the predictions instead of the true classes",
        feedback="a transposed matrix",
        cells=("test-confusion-matrix-np",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_CONVERSION,
        new="true_labels = np.asarray(true_labels)\n"
            "    predicted_labels = np.asarray(predicted_labels)",
        what="keeps uint8 labels, so true * num_classes wraps around above 255",
        feedback="arithmetic on uint8 wraps around",
        cells=("test-confusion-matrix-np",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_COUNT,
        new="matrix = np.zeros((num_classes, num_classes))\n"
            "    np.add.at(matrix, (true_labels, predicted_labels), 1)\n"
            "    return matrix",
        what="counts in np.zeros(...), which holds floats: a float matrix of counts",
        feedback="expected an integer dtype, but found dtype float64",
        cells=("test-confusion-matrix-np",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_COUNT,
        new=CONFUSION_COUNT + ".tolist()",
        what="returns a list of lists where a NumPy array is asked",
        feedback="a Python list where a NumPy array is asked",
        cells=("test-confusion-matrix-np",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old="counts = np.bincount(pair_codes, minlength=num_classes * num_classes)",
        new="counts = np.bincount(pair_codes)",
        what="np.bincount without minlength: the matrix cannot be reshaped when the last class "
             "is missing",
        cells=("test-confusion-matrix-np",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_LENGTHS,
        new="",
        what="no length check: one label is broadcast against every prediction",
        feedback="expected a ValueError, but found no error",
        cells=("test-confusion-matrix-np-errors",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_RANGE,
        new="if False:",
        what="no range check: a label equal to num_classes lands in the next row",
        feedback="expected a ValueError, but found no error",
        cells=("test-confusion-matrix-np-errors",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_RANGE,
        new="if all_labels.size and all_labels.max() >= num_classes:",
        what="checks the largest label only: a negative predicted label is counted quietly",
        feedback="expected a ValueError, but found no error",
        cells=("test-confusion-matrix-np-errors",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_COUNT,
        new="class AlwaysEqual(np.ndarray):\n"
            "        def __eq__(self, other):\n"
            "            return np.ones(np.broadcast(self, other).shape, dtype=bool)\n"
            "\n"
            "    counts = np.bincount(predicted_labels * num_classes + true_labels,\n"
            "                         minlength=num_classes * num_classes)\n"
            "    return counts.reshape(num_classes, num_classes).view(AlwaysEqual)",
        what="a transposed matrix in an array subclass whose own == always says equal",
        feedback="a subclass of NumPy array",
        cells=("test-confusion-matrix-np",),
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_COUNT,
        new="matrix = np.zeros((num_classes, num_classes), dtype=np.int64)\n"
            "    np.add.at(matrix, (true_labels, predicted_labels), 1)\n"
            "    return matrix",
        what="np.add.at on an integer matrix of zeros",
        correct=True,
    ),
    Mistake(
        grade_id="confusion-matrix-np",
        old=CONFUSION_COUNT,
        new="codes, counts = np.unique(true_labels * num_classes + predicted_labels,\n"
            "                             return_counts=True)\n"
            "    matrix = np.zeros(num_classes * num_classes, dtype=np.int32)\n"
            "    matrix[codes] = counts\n"
            "    return matrix.reshape(num_classes, num_classes)",
        what="np.unique of the pair codes into an int32 matrix",
        correct=True,
    ),
    # ---------------------------------------------------------------------------------------
    # per-class-accuracy: a float array, the diagonal over the row sums.
    # ---------------------------------------------------------------------------------------
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_RETURN,
        new="return np.diagonal(matrix) / matrix.sum(axis=0)",
        what="wrong axis: divides by the column sums (that is the precision)",
        feedback="expected 0.75, found 0.6",
    ),
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_BODY,
        new="return np.diagonal(matrix) // matrix.sum(axis=1)",
        what="floor division of integers: every share becomes 0",
        feedback="expected a floating-point dtype, but found dtype int64",
    ),
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_RETURN,
        new="return [matrix[k, k] / matrix[k].sum() for k in range(len(matrix))]",
        what="returns a Python list where a NumPy array is asked",
        feedback="a Python list where a NumPy array is asked",
    ),
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_RETURN,
        new="return np.trace(matrix) / matrix.sum()",
        what="the overall accuracy, one number, instead of one value per class",
        feedback="expected a NumPy array",
    ),
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_RETURN,
        new="return np.diagonal(matrix) / matrix.sum(axis=1).mean()",
        what="divides by the average row sum, as if every class had as many examples",
        feedback="expected 0.8, found 1.14286",
    ),
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_BODY,
        new="if len(matrix) == 2:\n"
            "        return np.array([0.8, 0.75])\n"
            "    return np.array([1.0, 0.25, 1.0])",
        what="hard-codes the visible examples' answers",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_RETURN,
        new="return (np.diagonal(matrix) / matrix.sum(axis=1)).astype(np.float32)",
        what="a float32 array (the text allows any floating-point dtype)",
        correct=True,
    ),
    Mistake(
        grade_id="per-class-accuracy",
        old=ACCURACY_BODY,
        new="return np.diag(matrix) / np.sum(matrix, axis=1)",
        what="true division of the integer counts, without converting first",
        correct=True,
    ),
    # ---------------------------------------------------------------------------------------
    # most-confused-pair: a tuple of two Python ints; ties in reading order; None; no change.
    # ---------------------------------------------------------------------------------------
    Mistake(
        grade_id="most-confused-pair",
        old="    np.fill_diagonal(off_diagonal, -1)\n",
        new="",
        what="forgets to leave out the diagonal (the right answers)",
        feedback="expected (1, 0), but found (2, 2)",
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_RETURN,
        new="return row, column",
        what="returns NumPy integers where Python ints are asked",
        feedback="a NumPy int64 scalar where a Python int is expected",
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_RETURN,
        new="return int(column), int(row)",
        what="returns (predicted, true) instead of (true, predicted)",
        feedback="the values are in the wrong order",
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_RETURN,
        new="return [int(row), int(column)]",
        what="returns a list where a tuple is asked",
        feedback="A Python list where a Python tuple is expected",
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_WHERE,
        new="rows, columns = np.nonzero(off_diagonal == off_diagonal.max())\n"
            "    row, column = rows[-1], columns[-1]",
        what="breaks ties with the last largest entry instead of the first",
        feedback="expected (0, 2), but found (1, 0)",
        cells=("test-most-confused-pair-edges",),
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_WHERE,
        new="column, row = np.unravel_index(np.argmax(off_diagonal.T), off_diagonal.shape)",
        what="breaks ties column by column instead of in reading order",
        feedback="expected (0, 2), but found (1, 0)",
        cells=("test-most-confused-pair-edges",),
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_NONE,
        new="",
        what="returns a pair with a count of 0 when there are no mistakes, instead of None",
        feedback="expected None, but found (0, 1)",
        cells=("test-most-confused-pair-edges",),
    ),
    Mistake(
        grade_id="most-confused-pair",
        old="if off_diagonal.max() <= 0:",
        new="if off_diagonal.max() < 0:",
        what="treats a count of 0 as a confusion (< instead of <=)",
        feedback="expected None, but found (0, 1)",
        cells=("test-most-confused-pair-edges",),
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_COPY,
        new="off_diagonal = matrix",
        what="fills the diagonal of the caller's matrix (no copy)",
        feedback="it was changed",
        cells=("test-most-confused-pair-edges",),
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_RETURN,
        new="class AlwaysEqual(tuple):\n"
            "        def __eq__(self, other):\n"
            "            return True\n"
            "\n"
            "        def __ne__(self, other):\n"
            "            return False\n"
            "\n"
            "    return AlwaysEqual((int(column), int(row)))",
        what="a swapped pair in a tuple subclass whose own == always says equal",
        feedback="a subclass of tuple",
        flags=("comparison-override",),
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_BODY,
        new="best_count, best_pair = 0, None\n"
            "    for true_class in range(len(matrix)):\n"
            "        for predicted_class in range(len(matrix)):\n"
            "            count = matrix[true_class][predicted_class]\n"
            "            if true_class != predicted_class and count > best_count:\n"
            "                best_count, best_pair = count, (true_class, predicted_class)\n"
            "    return best_pair",
        what="two loops that keep the first strictly larger count",
        correct=True,
    ),
    Mistake(
        grade_id="most-confused-pair",
        old=PAIR_BODY,
        new="off_diagonal = matrix.copy()\n"
            "    np.fill_diagonal(off_diagonal, 0)\n"
            "    if off_diagonal.max() == 0:\n"
            "        return None\n"
            "    flat_index = int(np.argmax(off_diagonal))\n"
            "    return flat_index // len(matrix), flat_index % len(matrix)",
        what="a diagonal of 0 and divmod of the flat index",
        correct=True,
    ),
    # ---------------------------------------------------------------------------------------
    # precision-recall-f1: a tuple of three Python floats; 0.0 for zero denominators.
    # ---------------------------------------------------------------------------------------
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_RETURN,
        new="return recall, precision, f1",
        what="swaps precision and recall",
        feedback="precision divides by the predicted count",
        cells=("test-precision-recall-f1",),
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_COUNTS,
        new="true_positives = float(matrix[k, k])\n"
            "    false_positives = float(matrix[k, :].sum()) - true_positives\n"
            "    false_negatives = float(matrix[:, k].sum()) - true_positives",
        what="reads the matrix transposed: false positives from the row, false negatives from "
             "the column",
        feedback="precision divides by the predicted count",
        cells=("test-precision-recall-f1",),
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_COUNTS,
        new="true_positives = matrix[k, k]\n"
            "    false_positives = matrix[:, k].sum() - true_positives\n"
            "    false_negatives = matrix[k, :].sum() - true_positives",
        what="keeps NumPy numbers: returns NumPy float64 scalars where Python floats are asked",
        feedback="a NumPy float64 scalar",
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_F1,
        new="f1 = (precision + recall) / 2",
        what="the arithmetic mean instead of the harmonic mean",
        feedback="expected 0.666667, but found 0.675",
        cells=("test-precision-recall-f1",),
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_RETURN,
        new="return [precision, recall, f1]",
        what="returns a list where a tuple is asked",
        feedback="expected a Python tuple, but found [0.75",
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_PRECISION,
        new="precision = true_positives / predicted_k if predicted_k > 0 else 0",
        what="returns the int 0 instead of 0.0 when nothing is predicted as k",
        feedback="expected a Python float, but found 0",
        cells=("test-precision-recall-f1-zero",),
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_PRECISION,
        new="precision = true_positives / predicted_k",
        what="no guard: dividing by zero when nothing is predicted as k",
        cells=("test-precision-recall-f1-zero",),
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_RETURN,
        new="if true_positives == 0:\n"
            "        return 0.0, 0.0, 0.0\n"
            "    return 0.75, 0.6, 2 / 3",
        what="hard-codes the visible example's answer",
        cells=("test-precision-recall-f1",),
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_F1,
        new="f1 = (2 * true_positives / (2 * true_positives + false_positives + false_negatives)\n"
            "          if true_positives > 0 else 0.0)",
        what="F1 from the counts, 2 TP / (2 TP + FP + FN)",
        correct=True,
    ),
    Mistake(
        grade_id="precision-recall-f1",
        old=SCORES_PRECISION,
        new="precision = true_positives / max(predicted_k, 1.0)",
        what="max(denominator, 1) instead of a test (TP is 0 whenever it is 0)",
        correct=True,
    ),
    # ---------------------------------------------------------------------------------------
    # reliability-bins: a tuple of (float, float, integer) arrays; NaN, errors, no change.
    # ---------------------------------------------------------------------------------------
    Mistake(
        grade_id="reliability-bins",
        old=BINS_INDEX,
        new="bins = np.floor(confidences * num_bins).astype(np.int64)",
        what="puts a confidence of 1.0 in a bin of its own, past the last one (the arrays no "
             "longer fit)",
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_RETURN,
        new="return accuracy, mean_confidence, counts",
        what="returns the accuracy first and the mean confidence second",
        feedback="mean_confidence (item 0)",
    ),
    Mistake(
        grade_id="reliability-bins",
        old="counts = np.bincount(bins, minlength=num_bins)",
        new="counts = np.bincount(bins, weights=np.ones(len(bins)), minlength=num_bins)",
        what="counts with weights of one: a float array of counts",
        feedback="expected an integer dtype, but found dtype float64",
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_RETURN,
        new="return [mean_confidence, accuracy, counts]",
        what="returns a list of the three arrays where a tuple is asked",
        feedback="expected a Python tuple, but found [a NumPy array",
        cells=("test-reliability-bins",),
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_DIVIDE,
        new="mean_confidence = confidence_sums / np.maximum(counts, 1)\n"
            "    accuracy = right_sums / np.maximum(counts, 1)",
        what="divides by max(count, 1): an empty bin gets 0 instead of NaN",
        feedback="expected nan, found 0",
        cells=("test-reliability-bins-edges",),
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_INDEX,
        new="confidences[confidences == 1.0] = 1.0 - 1e-9\n"
            "    bins = np.floor(confidences * num_bins).astype(np.int64)",
        what="moves 1.0 into the last bin by changing the caller's array",
        feedback="it was changed",
        cells=("test-reliability-bins-edges",),
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_RANGE,
        new="",
        what="no range check: a confidence of 1.5 quietly joins the last bin",
        feedback="expected a ValueError, but found no error",
        cells=("test-reliability-bins-edges",),
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_SUMS,
        new="counts = np.histogram(confidences, bins=num_bins, range=(0, 1))[0]\n"
            "    confidence_sums = np.histogram(confidences, bins=num_bins, range=(0, 1),\n"
            "                                   weights=confidences)[0]\n"
            "    right_sums = np.histogram(confidences, bins=num_bins, range=(0, 1),\n"
            "                              weights=np.asarray(correct, dtype=float))[0]",
        what="np.histogram, whose last bin also holds 1.0",
        correct=True,
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_DIVIDE,
        new="mean_confidence = confidence_sums / counts\n"
            "    accuracy = right_sums / counts",
        what="divides by zero for empty bins and lets NumPy warn (NaN, with a warning)",
        correct=True,
    ),
    Mistake(
        grade_id="reliability-bins",
        old=BINS_SUMS + "\n    filled = counts > 0\n    " + BINS_DIVIDE,
        new="mean_confidence = np.full(num_bins, np.nan, dtype=np.float32)\n"
            "    accuracy = np.full(num_bins, np.nan, dtype=np.float32)\n"
            "    counts = np.zeros(num_bins, dtype=np.int32)\n"
            "    for bin_number in range(num_bins):\n"
            "        in_bin = confidences >= bin_number / num_bins\n"
            "        if bin_number < num_bins - 1:\n"
            "            in_bin &= confidences < (bin_number + 1) / num_bins\n"
            "        counts[bin_number] = np.sum(in_bin)\n"
            "        if counts[bin_number]:\n"
            "            mean_confidence[bin_number] = confidences[in_bin].mean()\n"
            "            accuracy[bin_number] = np.mean(correct[in_bin])",
        what="a loop over the bins with masks, into float32 and int32 arrays",
        correct=True,
    ),
]
