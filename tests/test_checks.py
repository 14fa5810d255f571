"""helpers.checks: each check passes on right values and explains wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import checks


def test_equal_passes_and_fails_with_expected_and_found() -> None:
    checks.equal(3, 3, "three")
    with pytest.raises(AssertionError, match=r"count: expected 3, but found 4"):
        checks.equal(4, 3, "count")


def test_missing_return_is_named() -> None:
    with pytest.raises(AssertionError, match="forget a `return`"):
        checks.equal(None, [1, 2], "my_function()")
    with pytest.raises(AssertionError, match="forget a `return`"):
        checks.is_instance(None, np.ndarray, "my_function()")


def test_shape_and_dtype() -> None:
    checks.shape(np.zeros((2, 3)), (2, 3), "zeros")
    message = r"should have shape \(3, 2\), but it has shape \(2, 3\)"
    with pytest.raises(AssertionError, match=message):
        checks.shape(np.zeros((2, 3)), (3, 2), "zeros")
    with pytest.raises(AssertionError, match="no shape"):
        checks.shape([1, 2], (2,), "a list")
    checks.dtype(np.zeros(2, np.float32), np.float32, "x")
    with pytest.raises(AssertionError, match="dtype float32, but it has dtype float64"):
        checks.dtype(np.zeros(2), np.float32, "x")


def test_array_equal_reports_the_first_difference() -> None:
    checks.array_equal(np.array([1, 2, 3]), [1, 2, 3], "a")
    message = r"1 of 3 values differ.*index \(1,\): expected 2, found 5"
    with pytest.raises(AssertionError, match=message):
        checks.array_equal(np.array([1, 5, 3]), np.array([1, 2, 3]), "a")
    with pytest.raises(AssertionError, match="should have shape"):
        checks.array_equal(np.array([1, 2]), np.array([1, 2, 3]), "a")


def test_close_uses_a_tolerance() -> None:
    checks.close(0.1 + 0.2, 0.3, "sum")
    with pytest.raises(AssertionError, match="expected 0.3, but found 0.4"):
        checks.close(0.4, 0.3, "sum")
    with pytest.raises(AssertionError, match=r"index \(1,\): expected 2, found 2.5"):
        checks.close(np.array([1.0, 2.5]), np.array([1.0, 2.0]), "values")
    with pytest.raises(AssertionError, match=r"2 values are NaN .* index \(0,\)"):
        checks.close(np.array([np.nan, np.nan]), np.array([1.0, 2.0]), "values")
    with pytest.raises(AssertionError, match="expected 1, found inf"):
        checks.close(np.array([np.inf, 2.0]), np.array([1.0, 2.0]), "values")


def test_in_range_and_is_instance() -> None:
    checks.in_range(np.array([0.0, 1.0]), 0, 1, "scaled")
    with pytest.raises(AssertionError, match="run from 0 to 255"):
        checks.in_range(np.array([0, 255]), 0, 1, "scaled")
    checks.is_instance(np.zeros(1), np.ndarray, "x")
    with pytest.raises(AssertionError, match="should be a ndarray, but it is a list"):
        checks.is_instance([1], np.ndarray, "x")


def test_passed_prints_a_confirmation(capsys) -> None:
    checks.passed("all good")
    assert capsys.readouterr().out == "Passed: all good\n"


def test_numpy_scalars_are_shown_as_plain_numbers() -> None:
    with pytest.raises(AssertionError, match=r"expected \[1, 2\], but found \[1, 3\]\.$"):
        checks.equal([np.int64(1), np.int64(3)], [1, 2], "counts")
