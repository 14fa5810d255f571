"""Mistakes in the answers of 01-mnist-data (see tests/grading/mistakes/__init__.py)."""

from __future__ import annotations

from . import Mistake

ASSIGNMENT = "01-mnist-data"

COUNT = "return np.bincount(np.asarray(labels).ravel(), minlength=num_classes)[:num_classes]"
INDICES = "return np.flatnonzero(np.asarray(labels) == digit)"
MEANS = ("return np.stack([images[labels == k].mean(axis=0, dtype=np.float64)\n"
         "                     for k in range(num_classes)])")
SPLIT_SIZE = "validation_size = round(validation_fraction * len(images))"
SPLIT_RETURN = ("return (images[:split_at], labels[:split_at]), "
                "(images[split_at:], labels[split_at:])")

MISTAKES: list[Mistake] = [
    # count-per-class: an integer NumPy array of length num_classes.
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="return np.bincount(np.asarray(labels).ravel())",
        what="np.bincount without minlength: a class that never occurs is missing",
        feedback="The shapes differ: (3,) instead of (4,)",
    ),
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="return [int(np.sum(np.asarray(labels) == k)) for k in range(num_classes)]",
        what="returns a Python list of counts where a NumPy array is asked",
        feedback="a Python list where a NumPy array is asked",
    ),
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="return np.unique(labels, return_counts=True)[1]",
        what="np.unique counts only the classes that occur",
        feedback="The shapes differ: (3,) instead of (4,)",
    ),
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="return np.histogram(labels, bins=num_classes)[0]",
        what="np.histogram without range: its bins span the labels' own minimum to maximum",
        feedback="expected 1, found 0",
    ),
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="counts = np.zeros(num_classes)\n"
            "    for label in np.asarray(labels).ravel():\n"
            "        counts[label] += 1\n"
            "    return counts",
        what="counts in np.zeros(num_classes), which holds floats: a float array of counts",
        feedback="expected an integer dtype, but found dtype float64",
    ),
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="return np.bincount(np.asarray(labels).ravel(), minlength=4)",
        what="hard-codes the visible example's four classes instead of using num_classes",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="counts = np.zeros(num_classes, dtype=np.int64)\n"
            "    for label in np.asarray(labels).ravel():\n"
            "        counts[label] += 1\n"
            "    return counts",
        what="a loop over the labels into an integer array",
        correct=True,
    ),
    Mistake(
        grade_id="count-per-class",
        old=COUNT,
        new="return np.histogram(labels, bins=num_classes, range=(0, num_classes))[0]",
        what="np.histogram with one bin per class over the range 0 to num_classes",
        correct=True,
    ),
    # indices-of-class: a 1-D integer array, increasing, empty when the digit is absent.
    Mistake(
        grade_id="indices-of-class",
        old=INDICES,
        new="return np.flatnonzero(np.asarray(labels) == digit) + 1",
        what="off by one: counts positions from 1 instead of 0",
        feedback="expected 0, found 1",
    ),
    Mistake(
        grade_id="indices-of-class",
        old=INDICES,
        new="return np.where(np.asarray(labels) == digit)",
        what="returns np.where's tuple of index arrays instead of the array inside it",
        feedback="expected a NumPy array, but found (a NumPy array",
    ),
    Mistake(
        grade_id="indices-of-class",
        old=INDICES,
        new="return np.argwhere(np.asarray(labels) == digit)",
        what="np.argwhere gives a column, shape (k, 1), not a 1-D array",
        feedback="The shapes differ: (3, 1) instead of (3,)",
    ),
    Mistake(
        grade_id="indices-of-class",
        old=INDICES,
        new="return np.array([index for index, label in enumerate(labels) if label == digit])",
        what="builds the array from a list: np.array([]) is a float array when the digit is absent",
        feedback="expected an integer dtype, but found dtype float64",
    ),
    Mistake(
        grade_id="indices-of-class",
        old=INDICES,
        new="return np.flatnonzero(np.asarray(labels) == 7)",
        what="looks for the 7 of the example instead of the digit asked for",
        feedback="The shapes differ: (3,) instead of (0,)",
    ),
    Mistake(
        grade_id="indices-of-class",
        old=INDICES,
        new="return np.nonzero(np.asarray(labels) == digit)[0]",
        what="np.nonzero(...)[0], the first (only) array of np.nonzero",
        correct=True,
    ),
    Mistake(
        grade_id="indices-of-class",
        old=INDICES,
        new="return np.array([index for index, label in enumerate(labels) if label == digit],\n"
            "                    dtype=int)",
        what="a list comprehension turned into an integer array",
        correct=True,
    ),
    # mean-image-per-class: a float array (num_classes, height, width) of per-class means.
    Mistake(
        grade_id="mean-image-per-class",
        old="images[labels == k].mean(axis=0, dtype=np.float64)",
        new="images[labels == k].mean(axis=1, dtype=np.float64)",
        what="wrong axis: averages the rows of each image instead of the images",
        feedback="expected 127.5, found 255",
    ),
    Mistake(
        grade_id="mean-image-per-class",
        old=MEANS,
        new="return np.stack([images[labels == k].sum(axis=0) // len(images[labels == k])\n"
            "                     for k in range(num_classes)])",
        what="integer division of the sum: an integer array, 127 instead of 127.5",
        feedback="expected a floating-point dtype, but found dtype uint64",
    ),
    Mistake(
        grade_id="mean-image-per-class",
        old=MEANS,
        new="return np.array([images[labels == k].mean() for k in range(num_classes)])",
        what="averages every pixel of a class into one number instead of one image",
        feedback="The shapes differ: (2,) instead of (2, 2, 2)",
    ),
    Mistake(
        grade_id="mean-image-per-class",
        old=MEANS,
        new="return np.stack([(images[labels == k][0] / 1.0 + images[labels == k][1]) / 2\n"
            "                     for k in range(num_classes)])",
        what="averages the first two images of each class, as in the visible example",
        fits_visible_only=True,
    ),
    Mistake(
        grade_id="mean-image-per-class",
        old=MEANS,
        new="return np.stack([images[labels == k].astype(np.float32).mean(axis=0)\n"
            "                     for k in range(num_classes)])",
        what="a float32 mean, which the text allows",
        correct=True,
    ),
    # train-validation-split: the last round(f * N) examples, a tuple of two tuples, errors.
    Mistake(
        grade_id="train-validation-split",
        old="split_at = len(images) - validation_size",
        new="split_at = len(images) - validation_size - 1",
        what="off by one: the validation set gets one example too many",
        feedback="The shapes differ: (3,) instead of (2,)",
        cells=("test-train-validation-split",),
    ),
    Mistake(
        grade_id="train-validation-split",
        old=SPLIT_SIZE,
        new="validation_size = int(validation_fraction * len(images))",
        what="int() where the text says round: 2.6 becomes 2 instead of 3",
        feedback="`int()` cuts off the fraction",
        cells=("test-train-validation-split",),
    ),
    Mistake(
        grade_id="train-validation-split",
        old=SPLIT_SIZE,
        new="import math\n\n    validation_size = math.ceil(validation_fraction * len(images))",
        what="rounds up with math.ceil: 1.2 becomes 2 instead of 1",
        feedback="The shapes differ: (2,) instead of (1,)",
        cells=("test-train-validation-split",),
    ),
    Mistake(
        grade_id="train-validation-split",
        old=SPLIT_RETURN,
        new="return images[:split_at], images[split_at:], labels[:split_at], labels[split_at:]",
        what="returns four arrays in scikit-learn's train_test_split order, not two pairs",
        feedback="expected 2, but found 4",
        cells=("test-train-validation-split",),
    ),
    Mistake(
        grade_id="train-validation-split",
        old=SPLIT_RETURN,
        new="return ((images[validation_size:], labels[validation_size:]),\n"
            "            (images[:validation_size], labels[:validation_size]))",
        what="takes the validation set from the start instead of the end",
        feedback="expected 80, found 0",
        cells=("test-train-validation-split",),
    ),
    Mistake(
        grade_id="train-validation-split",
        old="if not 0 < validation_fraction < 1:",
        new="if not 0 <= validation_fraction <= 1:",
        what="lets the fractions 0 and 1 through",
        feedback="expected a ValueError, but found no error",
        cells=("test-train-validation-split-errors",),
    ),
    Mistake(
        grade_id="train-validation-split",
        old="if len(images) != len(labels):",
        new="if False:  # The lengths are not checked.",
        what="no length check: images and labels of different lengths are split silently",
        feedback="train_validation_split(10 images, 9 labels",
        cells=("test-train-validation-split-errors",),
    ),
    Mistake(
        grade_id="train-validation-split",
        old=SPLIT_SIZE,
        new="validation_size = int(np.round(validation_fraction * len(images)))",
        what="int(np.round(...)), which rounds like Python's round",
        correct=True,
    ),
    Mistake(
        grade_id="train-validation-split",
        old=SPLIT_RETURN,
        new="train = (images[:split_at], labels[:split_at])\n"
            "    validation = (images[-validation_size:], labels[-validation_size:])\n"
            "    return train, validation",
        what="negative slicing for the validation part (fine, since it is never empty)",
        correct=True,
    ),
]

# A wrong split returned as a tuple whose own `==` always says "equal" (the generic equality trick
# of tests/grading/hostile.py skips this exercise: its function has no return annotation, since
# the trick would also be expected to fail the errors cell, which never gets a return value).
MISTAKES.append(Mistake(
    grade_id="train-validation-split",
    old=SPLIT_RETURN,
    new="class AlwaysEqual(tuple):\n"
        "        def __eq__(self, other):\n"
        "            return True\n"
        "\n"
        "        def __ne__(self, other):\n"
        "            return False\n"
        "\n"
        "    return AlwaysEqual(((images[:1], labels[:1]), (images[1:], labels[1:])))",
    what="a wrong split returned as a tuple subclass whose == always says equal",
    feedback="a subclass of tuple",
    cells=("test-train-validation-split",),
    flags=("comparison-override",),
))
