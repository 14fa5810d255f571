"""helpers.checks: each check passes on right values, explains wrong ones, and trusts no answer."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import checks

Failure = checks.CheckFailedError


class AlwaysEqualInt(int):
    """A wrong answer dressed up as right: its == says equal to anything."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = int.__hash__

    def __repr__(self) -> str:
        return "a secret the student wants shown"


class AlwaysEqualArray(np.ndarray):
    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return np.ones(self.shape, dtype=bool)


class AlwaysEqualTuple(tuple):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = tuple.__hash__


def test_equal_passes_and_fails_with_expected_and_found() -> None:
    checks.equal(3, 3, "three")
    checks.equal((1, [2, 3]), (1, [2, 3]), "nested")
    with pytest.raises(Failure, match=r"count: expected 3, but found 4"):
        checks.equal(4, 3, "count")


def test_a_failure_is_an_assertion_error_that_renders_its_message_alone() -> None:
    with pytest.raises(AssertionError) as caught:
        checks.equal(4, 3, "count", hint="off-by-one")
    lines = caught.value._render_traceback_()
    text = "\n".join(lines)
    assert "Check failed" in lines[0] and "count" in lines[0]
    assert "expected: 3" in text and "found:    4" in text
    assert "likely cause: " + checks.MISCONCEPTIONS["off-by-one"][:30] in text
    assert "Traceback" not in text and "checks.py" not in text


def test_types_are_exact_and_numpy_scalars_are_named() -> None:
    with pytest.raises(Failure, match="numpy_scalar|NumPy returns its own scalar types"):
        checks.equal(np.int64(3), 3, "count")
    with pytest.raises(Failure, match="list where a Python tuple"):
        checks.equal([1, 2], (1, 2), "pair")
    with pytest.raises(Failure, match="floor division"):
        checks.equal(24.0, 24, "conv_output_size(28, 5)")
    with pytest.raises(Failure, match="bool"):
        checks.equal(True, 1, "one")
    with pytest.raises(Failure, match="Python float"):
        checks.close(np.float64(0.5), 0.5, "precision")
    checks.close(0.1 + 0.2, 0.3, "sum")
    checks.exact_type(2.5, float, "x")
    with pytest.raises(Failure, match="list-not-array|np.array"):
        checks.exact_type([1], np.ndarray, "x")


def test_an_answers_own_eq_is_never_trusted() -> None:
    for wrong, expected in ((AlwaysEqualInt(5), 3), (AlwaysEqualTuple((0, 1)), (1, 0)),
                            ([AlwaysEqualInt(5)], [3])):
        with pytest.raises(Failure) as caught:
            checks.equal(wrong, expected, "the answer")
        assert "secret" not in str(caught.value)
    with pytest.raises(Failure, match="subclass of NumPy array"):
        checks.array_equal(np.zeros(3).view(AlwaysEqualArray), np.ones(3), "values")
    with pytest.raises(Failure, match="Python objects"):
        checks.array_equal(np.array([AlwaysEqualInt(1)], dtype=object), np.array([2]), "v")


def test_pairs_of_arrays_are_compared_not_crashed_on() -> None:
    with pytest.raises(Failure, match="pair"):
        checks.equal((np.arange(3), np.arange(2)), (np.arange(2), np.arange(2)), "pair")
    with pytest.raises(Failure, match="swapped"):
        checks.equal((np.arange(3), np.arange(2)), (np.arange(2), np.arange(3)), "pair")
    checks.equal((np.arange(2), [1, 2]), (np.arange(2), [1, 2]), "pair")


def test_dicts_compare_keys_values_and_when_asked_the_order() -> None:
    checks.equal({"a": 1, "b": 2}, {"b": 2, "a": 1}, "d")
    with pytest.raises(Failure, match="order"):
        checks.equal({"b": 2, "a": 1}, {"a": 1, "b": 2}, "d", ordered_keys=True)
    with pytest.raises(Failure, match="keys"):
        checks.equal({"a": 1}, {"a": 1, "b": 2}, "d")
    with pytest.raises(Failure, match="value of 'a'"):
        checks.equal({"a": np.int64(1)}, {"a": 1}, "d")


def test_missing_return_is_named() -> None:
    with pytest.raises(Failure, match="no `return`"):
        checks.equal(None, [1, 2], "my_function()")
    with pytest.raises(Failure, match="no `return`"):
        checks.exact_type(None, np.ndarray, "my_function()")


def test_shape_and_dtype() -> None:
    checks.shape(np.zeros((2, 3)), (2, 3), "zeros")
    with pytest.raises(Failure, match=r"expected shape \(3, 2\), but found shape \(2, 3\)"):
        checks.shape(np.zeros((2, 3)), (3, 2), "zeros")
    with pytest.raises(Failure, match="channel axis comes first"):
        checks.shape(np.zeros((2, 1, 5, 5)), (2, 5, 5, 1), "images")
    checks.dtype(np.zeros(2, np.float32), np.float32, "x")
    checks.dtype(np.zeros(2, np.float32), "float", "x")
    with pytest.raises(Failure, match="dtype float32, but found dtype float64.*astype"):
        checks.dtype(np.zeros(2), np.float32, "x")
    with pytest.raises(Failure, match="integer dtype"):
        checks.dtype(np.zeros(2), "integer", "x")


def test_array_equal_reports_the_first_difference_and_a_transposed_matrix() -> None:
    checks.array_equal(np.array([1, 2, 3]), [1, 2, 3], "a")
    with pytest.raises(Failure, match=r"1 of 3 values differ; the first at index \(1,\)"):
        checks.array_equal(np.array([1, 5, 3]), np.array([1, 2, 3]), "a")
    with pytest.raises(Failure, match="shapes differ"):
        checks.array_equal(np.array([1, 2]), np.array([1, 2, 3]), "a")
    with pytest.raises(Failure, match="transposed"):
        checks.array_equal(np.array([[1, 2], [3, 4]]), np.array([[1, 3], [2, 4]]), "matrix")


def test_close_uses_a_tolerance_and_names_nan() -> None:
    checks.close(np.array([1.0, 2.0 + 1e-9]), np.array([1.0, 2.0]), "values")
    with pytest.raises(Failure, match="expected 0.3, but found 0.4"):
        checks.close(0.4, 0.3, "sum")
    with pytest.raises(Failure, match=r"index \(1,\): expected 2, found 2.5"):
        checks.close(np.array([1.0, 2.5]), np.array([1.0, 2.0]), "values")
    with pytest.raises(Failure, match="NaN"):
        checks.close(np.array([1.0, np.nan]), np.array([1.0, 2.0]), "values")


def test_raises_unchanged_and_new_objects() -> None:
    def strict(value: int) -> int:
        if value < 0:
            raise ValueError("negative")
        return value

    assert isinstance(checks.raises(ValueError, strict, "strict(-1)", -1), ValueError)
    with pytest.raises(Failure, match="no error: it returned 3"):
        checks.raises(ValueError, strict, "strict(3)", 3)
    with pytest.raises(Failure, match="expected a ValueError, but found a TypeError instead"):
        checks.raises(ValueError, strict, "strict('a')", "a")
    with pytest.raises(Failure, match="found an IndexError instead"):
        checks.raises(ValueError, lambda: [][1], "indexing")
    assert checks.call(strict, "strict(2)", 2) == 2
    with pytest.raises(Failure, match="expected a result, but found a ValueError: negative"):
        checks.call(strict, "strict(-1)", -1)
    before = np.arange(3)
    after = before.copy()
    checks.unchanged(before, after, "the input")
    after[0] = 7
    with pytest.raises(Failure, match="in place|changed its input"):
        checks.unchanged(before, after, "the input")
    item = object()
    checks.returns_new_object(item, object(), "build()")
    with pytest.raises(Failure, match="same object"):
        checks.returns_new_object(item, item, "build()")


def test_describe_never_runs_an_answers_repr() -> None:
    assert "secret" not in checks.describe(AlwaysEqualInt(3))
    assert checks.describe(np.int64(3)) == "3 (a NumPy int64 scalar)"
    assert "shape (2,)" in checks.describe(np.array([1, 2]))


def test_in_range() -> None:
    checks.in_range(np.array([0.0, 1.0]), 0, 1, "x")
    with pytest.raises(Failure, match="between 0 and 1"):
        checks.in_range(np.array([0.0, 2.0]), 0, 1, "x")


def test_layer_stack_compares_each_layer_and_names_a_missing_activation() -> None:
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3),
                              keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                              keras.layers.Dropout(0.3), keras.layers.Dense(2)])
    expected = [("Conv2D", {"filters": 4, "kernel_size": (3, 3), "activation": "relu"}),
                ("MaxPooling2D", {"pool_size": (2, 2)}), ("Flatten", {}),
                ("Dropout", {"rate": 0.3}), ("Dense", {"units": 2})]
    with pytest.raises(Failure, match="layer 1 \\(Conv2D\\).*activation.*linear.*no activation"):
        checks.layer_stack(model, expected, "the model")
    expected[0][1]["activation"] = "linear"
    checks.layer_stack(model, expected, "the model")
    with pytest.raises(Failure, match="layer types"):
        checks.layer_stack(model, expected[:-1], "the model")
    with pytest.raises(Failure, match="rate"):
        checks.layer_stack(model, [*expected[:3], ("Dropout", {"rate": 0.7}), expected[4]],
                           "the model")
