"""Friendly assertions for the visible tests of every notebook (01-06).

Each check raises ``AssertionError`` with what was expected and what was found, in plain
words, so that a beginner knows what to change. Run All, nbval and nbgrader all see the
failure. None of them knows an exercise's answer: the test cell passes the expected value in.

    checks.equal(count_examples(labels), 3, "count_examples([1, 2, 2])")
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _plain(value: Any) -> Any:
    """Turn NumPy scalars (np.int64(3)) into Python ones (3), also inside lists and tuples."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(item) for item in value)
    return value


def _describe(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, np.ndarray):
        if value.size <= 20:
            return f"array {np.array2string(value, separator=', ')} (shape {value.shape})"
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def fail(message: str) -> None:
    """Raise ``AssertionError`` with ``message``; for checks that need their own wording."""
    raise AssertionError(message)


def passed(what: str) -> None:
    """Print a short confirmation once a visible test has passed."""
    print(f"Passed: {what}")


def is_instance(value: Any, expected_type: type | tuple[type, ...], what: str) -> None:
    """Check that ``value`` is an instance of ``expected_type``."""
    if not isinstance(value, expected_type):
        names = (
            " or ".join(t.__name__ for t in expected_type)
            if isinstance(expected_type, tuple)
            else expected_type.__name__
        )
        if value is None:
            fail(f"{what} returned None. Did you forget a `return` statement? Expected a {names}.")
        fail(f"{what} should be a {names}, but it is a {type(value).__name__}: {_describe(value)}.")


def equal(actual: Any, expected: Any, what: str) -> None:
    """Check ``actual == expected`` for plain Python values (numbers, strings, tuples, lists)."""
    if isinstance(actual, np.ndarray) or isinstance(expected, np.ndarray):
        array_equal(actual, expected, what)
        return
    if actual is None and expected is not None:
        fail(f"{what} returned None. Did you forget a `return` statement? Expected {expected!r}.")
    if actual != expected:
        fail(f"{what}: expected {_describe(expected)}, but found {_describe(actual)}.")


def shape(array: Any, expected_shape: tuple[int, ...], what: str) -> None:
    """Check that ``array`` is a NumPy array (or tensor) with ``expected_shape``."""
    if array is None:
        fail(f"{what} is None. Did you forget a `return` statement?")
    found = tuple(getattr(array, "shape", ()))
    if not hasattr(array, "shape"):
        fail(f"{what} should be an array of shape {expected_shape}, but it is a "
             f"{type(array).__name__} with no shape.")
    if found != tuple(expected_shape):
        fail(f"{what} should have shape {tuple(expected_shape)}, but it has shape {found}.")


def dtype(array: np.ndarray, expected_dtype: Any, what: str) -> None:
    """Check the dtype of an array (``np.float32``, ``np.uint8``...)."""
    expected = np.dtype(expected_dtype)
    if np.asarray(array).dtype != expected:
        fail(f"{what} should have dtype {expected}, but it has dtype {np.asarray(array).dtype}.")


def array_equal(actual: Any, expected: Any, what: str) -> None:
    """Check that two arrays have the same shape and exactly the same values."""
    if actual is None:
        fail(f"{what} returned None. Did you forget a `return` statement?")
    actual_array = np.asarray(actual)
    expected_array = np.asarray(expected)
    if actual_array.shape != expected_array.shape:
        fail(f"{what} should have shape {expected_array.shape}, but it has shape "
             f"{actual_array.shape}. Expected {_describe(expected_array)}, "
             f"found {_describe(actual_array)}.")
    mismatched = np.argwhere(actual_array != expected_array)
    if len(mismatched):
        where = tuple(int(i) for i in mismatched[0])
        fail(f"{what}: {len(mismatched)} of {expected_array.size} values differ. The first is "
             f"at index {where}: expected {expected_array[where].tolist()!r}, "
             f"found {actual_array[where].tolist()!r}.")


def close(actual: Any, expected: Any, what: str, tolerance: float = 1e-6) -> None:
    """Check that numbers or arrays agree within ``tolerance`` (absolute and relative)."""
    if actual is None:
        fail(f"{what} returned None. Did you forget a `return` statement?")
    actual_array = np.asarray(actual, dtype=float)
    expected_array = np.asarray(expected, dtype=float)
    if actual_array.shape != expected_array.shape:
        fail(f"{what} should have shape {expected_array.shape}, but it has shape "
             f"{actual_array.shape}.")
    agree = np.isclose(actual_array, expected_array, atol=tolerance, rtol=tolerance,
                       equal_nan=True)
    if not np.all(agree):
        if actual_array.ndim == 0:
            fail(f"{what}: expected {float(expected_array):.6g}, "
                 f"but found {float(actual_array):.6g}.")
        nan_found = np.isnan(actual_array) & ~np.isnan(expected_array)
        if nan_found.any():
            where = tuple(int(i) for i in np.argwhere(nan_found)[0])
            fail(f"{what}: {int(nan_found.sum())} values are NaN (not a number), the first at "
                 f"index {where} where {float(expected_array[where]):.6g} was expected. A "
                 f"division by zero often causes this.")
        difference = np.where(agree, 0.0, np.abs(actual_array - expected_array))
        difference = np.nan_to_num(difference, nan=np.inf)
        where = np.unravel_index(np.argmax(difference), difference.shape)
        fail(f"{what}: {int((~agree).sum())} of {agree.size} values differ. The largest "
             f"difference is at index {tuple(int(i) for i in where)}: expected "
             f"{float(expected_array[where]):.6g}, found {float(actual_array[where]):.6g}.")


def in_range(array: Any, low: float, high: float, what: str) -> None:
    """Check that every value of ``array`` lies in [low, high]."""
    values = np.asarray(array, dtype=float)
    if values.size and (values.min() < low or values.max() > high):
        fail(f"{what} should lie between {low} and {high}, but its values run from "
             f"{values.min():.6g} to {values.max():.6g}.")
