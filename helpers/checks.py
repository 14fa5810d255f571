"""Friendly, strict checks for the visible and hidden tests of every notebook (01-06).

A check passes silently or raises ``CheckFailedError`` (an ``AssertionError``), so that Run All,
nbval and nbgrader all see a failing test. In Jupyter the failure shows only its message, with
no traceback through this module::

    ✗ Check failed: count_per_class([0, 2, 2, 1, 2, 0], num_classes=4)
      expected: a NumPy array [2, 1, 3, 0] (shape (4,))
      found:    a NumPy array [2, 1, 3] (shape (3,))

The checks are strict about what an exercise's text specifies, and they trust nothing of the
answer's own: an answer must have exactly the documented type (a ``tuple`` where a tuple is
asked, a Python ``int`` rather than a NumPy integer, a NumPy array rather than a list), and its
value is compared only after that, with the comparison of the documented type, never with the
answer's own ``__eq__``. A wrong type fails with a message, never a crash.

Where a common misconception explains a difference, the message names it (``MISCONCEPTIONS``):
some are recognised on their own (a transposed matrix, swapped values, float64 where float32 is
asked, true division in a count); a test names the others with ``hint="..."``.

The test cell passes the expected values in: nothing here knows an exercise's answer.

    from helpers import checks
    checks.equal(count_examples([1, 2, 2]), 3, "count_examples([1, 2, 2])")
    checks.passed("count_examples counts the examples.")
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

# Named misconceptions: a test passes a key as ``hint=``; some are recognised automatically.
MISCONCEPTIONS: dict[str, str] = {
    "forgot-return": "the function has no `return` statement, so it returns None.",
    "true-division": "`/` always gives a float; a count of positions needs `//` (floor "
                     "division) or `math.ceil`.",
    "float64-not-float32": "NumPy computes in float64 unless told otherwise; convert with "
                           "`.astype(np.float32)`.",
    "numpy-scalar": "NumPy returns its own scalar types (np.int64, np.float64); convert with "
                    "`int(...)` or `float(...)` where a Python number is asked.",
    "list-not-array": "a Python list where a NumPy array is asked; convert with `np.array(...)`.",
    "transposed": "rows and columns are swapped (a transposed matrix): rows should be the true "
                  "classes, columns the predictions, or the other way round as the text says.",
    "swapped": "the values are in the wrong order (for example precision and recall swapped).",
    "channels-first": "the channel axis comes first; Keras expects channels last: "
                      "(N, height, width, channels).",
    "minmax-subtracts-max": "min-max scaling subtracts the minimum, not the maximum: "
                            "(x - min) / (max - min).",
    "test-statistics": "statistics (min, max, mean, std) must be fitted on the training set "
                       "only and then applied, unchanged, to the test set.",
    "batch-maximum": "dividing by the batch's own maximum instead of the fixed 255 scales every "
                     "batch differently.",
    "missing-activation": "a layer has no activation (Keras's default is linear), so the "
                          "network stays linear there.",
    "int-not-round": "`int()` cuts off the fraction; the text asks for `round()` to the nearest "
                     "whole number.",
    "in-place": "the function changed its input; work on a copy (`np.asarray(x, dtype=...)` or "
                "`x.copy()`) and leave the caller's array as it was.",
    "uint8-wraps": "arithmetic on uint8 wraps around (3 - 5 = 254); convert to float first.",
    "pytorch-same-padding": "Keras's 'same' padding gives ceil(n / stride) outputs, whatever "
                            "the kernel size.",
    "off-by-one": "an off-by-one error (counting from 0 instead of 1, or the other way round).",
    "turned-kernel": "the kernel was turned half a turn (the mathematician's convolution); "
                     "Conv2D slides the kernel as it is (cross-correlation).",
    "precision-recall-swapped": "precision divides by the predicted count (a column of the "
                                "confusion matrix), recall by the true count (a row).",
}


class CheckFailedError(AssertionError):
    """A check that failed: what was checked, what was expected and found, and a likely cause.

    ``str()`` gives the whole message in one paragraph (what nbgrader records). In Jupyter,
    IPython calls ``_render_traceback_`` and shows the message alone, without a traceback.
    """

    def __init__(self, what: str, expected: str | None = None, found: str | None = None,
                 detail: str | None = None, hint: str | None = None) -> None:
        self.what = what
        self.expected = expected
        self.found = found
        self.detail = detail
        self.hint = MISCONCEPTIONS.get(hint, hint) if hint else None
        super().__init__(self._paragraph())

    def _paragraph(self) -> str:
        text = self.what
        if self.expected is not None and self.found is not None:
            text += f": expected {self.expected}, but found {self.found}."
        elif not text.endswith((".", "?", "!")):
            text += "."
        if self.detail:
            text += f" {self.detail}"
        if self.hint:
            text += f" Likely cause: {self.hint}"
        return text

    def _render_traceback_(self) -> list[str]:
        """Return the lines Jupyter shows for this failure: the message, and nothing else."""
        red, bold, reset = "\x1b[31m", "\x1b[1m", "\x1b[0m"
        width = 96

        def wrapped(label: str, text: str) -> list[str]:
            return textwrap.wrap(text, width=width, initial_indent=f"  {label}",
                                 subsequent_indent=" " * (2 + len(label))) or [f"  {label}"]

        lines = [f"{red}{bold}✗ Check failed:{reset}{bold} {self.what}{reset}"]
        if self.expected is not None and self.found is not None:
            lines += wrapped("expected: ", self.expected) + wrapped("found:    ", self.found)
        if self.detail:
            lines += wrapped("", self.detail)
        if self.hint:
            lines += wrapped("likely cause: ", self.hint)
        return lines


def fail(message: str, hint: str | None = None) -> None:
    """Raise ``CheckFailedError`` with ``message``, for checks that need their own wording."""
    raise CheckFailedError(message, hint=hint)


PASSED_PREFIX = "Passed: "


def passed(what: str) -> None:
    """Print the confirmation that ends a visible test (graders read it as its verdict)."""
    print(f"{PASSED_PREFIX}{what}")


# ---------------------------------------------------------------------------------------------
# Describing values without trusting them
# ---------------------------------------------------------------------------------------------

_PLAIN_TYPES = (bool, int, float, str, type(None))


def type_name(value: Any) -> str:
    """Return a beginner's name for the type of ``value`` ("a Python int", "a NumPy int64")."""
    kind = type(value)
    if kind is bool:
        return "a bool (True or False)"
    if kind in (int, float, str, list, tuple, dict):
        return f"a Python {kind.__name__}"
    if value is None:
        return "None"
    if isinstance(value, np.generic):
        return f"a NumPy {np.dtype(kind).name} scalar"
    if kind is np.ndarray:
        return f"a NumPy array of dtype {value.dtype}"
    for base in (bool, int, float, str, list, tuple, dict, np.ndarray):
        if isinstance(value, base):
            base_name = "NumPy array" if base is np.ndarray else base.__name__
            return f"a subclass of {base_name} ({kind.__name__})"
    module = getattr(kind, "__module__", "") or ""
    prefix = f"{module.split('.')[0]}." if module and module != "builtins" else ""
    return f"a {prefix}{kind.__name__}"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """Return a short description of a value, safe to show whatever the value is.

    Only plain Python values, NumPy arrays and NumPy scalars are shown with their contents;
    anything else (a subclass, an object of the student's own class) only by its type, so that
    its own ``__repr__`` never runs.
    """
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return _short(repr(value))
    if isinstance(value, np.generic) and kind in (np.bool_, *np.sctypeDict.values()):
        return f"{_short(repr(value.item()))} ({type_name(value)})"
    if kind in (list, tuple):
        inner = ", ".join(describe(item) if type(item) not in _PLAIN_TYPES else repr(item)
                          for item in value[:12])
        more = ", ..." if len(value) > 12 else ""
        comma = "," if kind is tuple and len(value) == 1 else ""
        body = f"[{inner}{more}]" if kind is list else f"({inner}{more}{comma})"
        return _short(body, 240)
    if kind is dict:
        items = ", ".join(f"{describe(key)}: {describe(item)}"
                          for key, item in list(value.items())[:8])
        return _short("{" + items + (", ..." if len(value) > 8 else "") + "}", 240)
    if kind is np.ndarray:
        if value.size <= 20 and value.dtype.kind in "biuf":
            text = " ".join(np.array2string(value, separator=", ", threshold=20).split())
            return f"a NumPy array {_short(text, 200)} (shape {value.shape}, dtype {value.dtype})"
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    return type_name(value)


# ---------------------------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------------------------


def _forgot_return(value: Any, what: str, expected_text: str) -> None:
    if value is None:
        raise CheckFailedError(what, expected_text, "None", hint="forgot-return")


def exact_type(value: Any, expected_type: type | tuple[type, ...], what: str,
               hint: str | None = None) -> None:
    """Check that ``type(value)`` is exactly ``expected_type`` (a subclass is not enough).

    Use it for the documented return type of an answer: ``int``, ``float``, ``tuple``,
    ``list``, ``dict``, ``np.ndarray``.
    """
    allowed = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    if type(value) in allowed:
        return
    names = " or ".join(_type_label(kind) for kind in allowed)
    _forgot_return(value, what, names)
    if hint is None:
        if isinstance(value, np.generic) and any(kind in (int, float, bool) for kind in allowed):
            hint = "numpy-scalar"
        elif type(value) is list and np.ndarray in allowed:
            hint = "list-not-array"
        elif type(value) is float and int in allowed:
            hint = "true-division"
    raise CheckFailedError(what, names, describe(value), hint=hint)


def _type_label(kind: type) -> str:
    if kind is np.ndarray:
        return "a NumPy array"
    if kind is type(None):
        return "None"
    return f"a Python {kind.__name__}" if kind.__module__ == "builtins" else f"a {kind.__name__}"


def is_instance(value: Any, expected_type: type | tuple[type, ...], what: str) -> None:
    """Check ``isinstance(value, expected_type)``: for classes meant to be subclassed, such as
    ``keras.Model`` (a Sequential or Functional model is one). For plain values use
    ``exact_type``."""
    if isinstance(value, expected_type):
        return
    allowed = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    names = " or ".join(f"a {kind.__name__}" for kind in allowed)
    _forgot_return(value, what, names)
    raise CheckFailedError(what, names, type_name(value))


# ---------------------------------------------------------------------------------------------
# Plain values
# ---------------------------------------------------------------------------------------------


def _difference(actual: Any, expected: Any, ordered_keys: bool) -> str | None:
    """Return where ``actual`` first differs from ``expected`` (None when they are equal).

    Types are compared first and exactly; values are then compared with the comparison of the
    expected (documented) type, so the answer's own ``__eq__`` never runs.
    """
    if isinstance(expected, np.ndarray):
        if type(actual) is not np.ndarray:
            return f"{type_name(actual)} where a NumPy array is expected"
        if actual.shape != expected.shape:
            return f"shape {actual.shape} where {expected.shape} is expected"
        if not np.array_equal(np.asarray(actual), expected):
            return "different values"
        return None
    if type(actual) is not type(expected):
        return f"{type_name(actual)} where {type_name(expected)} is expected"
    if isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            return f"{len(actual)} items where {len(expected)} are expected"
        for index, (found_item, expected_item) in enumerate(zip(actual, expected, strict=True)):
            problem = _difference(found_item, expected_item, ordered_keys)
            if problem:
                return f"item {index}: {problem}"
        return None
    if isinstance(expected, dict):
        found_keys, expected_keys = list(actual.keys()), list(expected.keys())
        if any(type(key) not in _PLAIN_TYPES for key in found_keys):
            return "a key that is not a plain string or number"
        if {(type(key), key) for key in found_keys} != {(type(key), key) for key in expected_keys}:
            return (f"the keys {describe(found_keys)} where {describe(expected_keys)} are "
                    "expected")
        if ordered_keys and _difference(found_keys, expected_keys, True):
            return (f"the keys in the order {describe(found_keys)} where the order "
                    f"{describe(expected_keys)} is expected")
        for key in expected_keys:
            problem = _difference(actual[key], expected[key], ordered_keys)
            if problem:
                return f"the value of {key!r}: {problem}"
        return None
    if isinstance(expected, float) and math.isnan(expected):
        return None if math.isnan(actual) else "a number where NaN is expected"
    # Both have exactly the expected (built-in) type here, so this comparison is the built-in one.
    return None if expected == actual else "a different value"


def equal(actual: Any, expected: Any, what: str, hint: str | None = None,
          ordered_keys: bool = False) -> None:
    """Check that ``actual`` has exactly the type of ``expected`` and the same value.

    Works for Python numbers, strings, None, tuples, lists and dicts (compared item by item,
    types included) and NumPy arrays (see ``array_equal``). ``ordered_keys=True`` also compares
    the order of a dict's keys.
    """
    if isinstance(expected, np.ndarray):
        array_equal(actual, expected, what, hint=hint)
        return
    if expected is not None:
        _forgot_return(actual, what, describe(expected))
    problem = _difference(actual, expected, ordered_keys)
    if problem is None:
        return
    if hint is None:
        hint = _recognised_misconception(actual, expected)
    detail = problem[0].upper() + problem[1:] + "." if problem != "a different value" else None
    raise CheckFailedError(what, describe(expected), describe(actual), detail=detail, hint=hint)


def _recognised_misconception(actual: Any, expected: Any) -> str | None:
    """Return the name of a misconception that explains the difference, when one clearly does."""
    if isinstance(actual, np.generic) and type(expected) in (int, float, bool):
        return "numpy-scalar"
    if type(expected) is int and type(actual) is float:
        return "true-division"
    if (type(actual) is type(expected) and isinstance(expected, (tuple, list))
            and len(expected) == 2 and _difference(expected[0], expected[1], False) is not None
            and _difference(actual, type(expected)(reversed(expected)), False) is None):
        return "swapped"
    return None


# ---------------------------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------------------------

DtypeSpec = Any  # a NumPy dtype, or one of the kinds "float", "integer", "bool"
_KINDS = {"float": "f", "integer": "iu", "bool": "b"}


def _dtype_problem(array: np.ndarray, dtype: DtypeSpec) -> tuple[str, str] | None:
    """Return (expected, found) texts when ``array``'s dtype does not match ``dtype``."""
    if dtype is None:
        return None
    if isinstance(dtype, str) and dtype in _KINDS:
        if array.dtype.kind in _KINDS[dtype]:
            return None
        names = {"float": "a floating-point dtype", "integer": "an integer dtype",
                 "bool": "dtype bool"}
        return names[dtype], f"dtype {array.dtype}"
    if array.dtype == np.dtype(dtype):
        return None
    return f"dtype {np.dtype(dtype)}", f"dtype {array.dtype}"


def ndarray(value: Any, what: str, dtype: DtypeSpec = None, ndim: int | None = None) -> None:
    """Check that ``value`` is a NumPy array (exactly), with the given dtype and number of axes.

    ``dtype`` is a NumPy dtype (``np.float32``) or a kind: ``"float"`` (any floating-point
    dtype), ``"integer"`` or ``"bool"``.
    """
    exact_type(value, np.ndarray, what)
    problem = _dtype_problem(value, dtype)
    if problem:
        hint = ("float64-not-float32" if value.dtype == np.float64
                and np.dtype(dtype if not isinstance(dtype, str) else "f8") == np.float32 else None)
        raise CheckFailedError(what, *problem, hint=hint)
    if ndim is not None and value.ndim != ndim:
        raise CheckFailedError(what, f"{ndim} axes", f"{value.ndim} axes (shape {value.shape})")


def shape(array: Any, expected_shape: tuple[int, ...], what: str) -> None:
    """Check that ``array`` is a NumPy array with ``expected_shape``."""
    exact_type(array, np.ndarray, what)
    expected_shape = tuple(expected_shape)
    if array.shape != expected_shape:
        hint = None
        if (len(expected_shape) == 4 and array.ndim == 4
                and array.shape == (expected_shape[0], expected_shape[3], *expected_shape[1:3])):
            hint = "channels-first"
        raise CheckFailedError(what, f"shape {expected_shape}", f"shape {array.shape}", hint=hint)


def dtype(array: Any, expected_dtype: DtypeSpec, what: str) -> None:
    """Check that ``array`` is a NumPy array of ``expected_dtype`` (a dtype or a kind)."""
    ndarray(array, what, dtype=expected_dtype)


def array_equal(actual: Any, expected: Any, what: str, dtype: DtypeSpec = None,
                hint: str | None = None) -> None:
    """Check that ``actual`` is a NumPy array with the shape and exactly the values of
    ``expected`` (and, when given, the dtype or dtype kind ``dtype``)."""
    expected_array = np.asarray(expected)
    ndarray(actual, what, dtype=dtype)
    if actual.dtype.kind == "O":
        raise CheckFailedError(what, describe(expected_array), "an array of Python objects (dtype "
                           "object)", detail="Build it from numbers, not from other objects.")
    if actual.shape != expected_array.shape:
        hint = hint or _shape_misconception(actual, expected_array)
        raise CheckFailedError(what, describe(expected_array), describe(actual),
                           detail=f"The shapes differ: {actual.shape} instead of "
                                  f"{expected_array.shape}.", hint=hint)
    different = np.argwhere(~_same_values(actual, expected_array, tolerance=None))
    if len(different):
        where = tuple(int(index) for index in different[0])
        hint = hint or _value_misconception(actual, expected_array)
        raise CheckFailedError(
            what, describe(expected_array), describe(actual),
            detail=f"{len(different)} of {expected_array.size} values differ; the first at index "
                   f"{where}: expected {expected_array[where].item()!r}, found "
                   f"{actual[where].item()!r}.", hint=hint)


def close(actual: Any, expected: Any, what: str, tolerance: float = 1e-6,
          dtype: DtypeSpec = None, hint: str | None = None) -> None:
    """Check numbers or arrays to within ``tolerance`` (absolute and relative).

    When ``expected`` is a Python number, ``actual`` must be a Python ``float`` (the documented
    type of a scalar answer); otherwise it must be a NumPy array of the same shape (and, when
    given, the dtype or kind ``dtype``).
    """
    if type(expected) in (int, float):
        exact_type(actual, float, what, hint=hint)
        if not _same_values(np.asarray(actual), np.asarray(float(expected)), tolerance):
            raise CheckFailedError(what, f"{float(expected):.6g}", f"{actual:.6g}",
                               detail=f"(Tolerance {tolerance:g}.)", hint=hint)
        return
    expected_array = np.asarray(expected, dtype=float)
    ndarray(actual, what, dtype=dtype)
    if actual.dtype.kind not in "biuf":
        raise CheckFailedError(what, "numbers", f"an array of dtype {actual.dtype}")
    if actual.shape != expected_array.shape:
        raise CheckFailedError(what, describe(expected_array), describe(actual),
                           detail=f"The shapes differ: {actual.shape} instead of "
                                  f"{expected_array.shape}.",
                           hint=hint or _shape_misconception(actual, expected_array))
    agree = _same_values(actual, expected_array, tolerance)
    if not np.all(agree):
        found = actual.astype(float)
        nan_found = np.isnan(found) & ~np.isnan(expected_array)
        if nan_found.any():
            where = tuple(int(index) for index in np.argwhere(nan_found)[0])
            raise CheckFailedError(
                what, describe(expected_array), describe(actual),
                detail=f"NaN (not a number) at {int(nan_found.sum())} of {nan_found.size} "
                       f"positions, the first at index {where}. A division by zero often causes "
                       "this.", hint=hint)
        difference = np.nan_to_num(np.where(agree, 0.0, np.abs(found - expected_array)),
                                   nan=np.inf)
        where = tuple(int(index) for index in np.unravel_index(np.argmax(difference),
                                                                 difference.shape))
        raise CheckFailedError(
            what, describe(expected_array), describe(actual),
            detail=f"{int((~agree).sum())} of {agree.size} values differ by more than "
                   f"{tolerance:g}; the largest difference is at index {where}: expected "
                   f"{expected_array[where]:.6g}, found {found[where]:.6g}.",
            hint=hint or _value_misconception(actual, expected_array, tolerance))


def _same_values(actual: np.ndarray, expected: np.ndarray, tolerance: float | None) -> np.ndarray:
    """Return an array of booleans: where the values agree (NaN agrees with NaN)."""
    actual = np.asarray(actual).view(np.ndarray)
    if tolerance is None:
        if actual.dtype.kind in "fc" and expected.dtype.kind in "fc":
            return (actual == expected) | (np.isnan(actual.astype(float))
                                           & np.isnan(expected.astype(float)))
        return np.asarray(actual == expected)
    return np.isclose(actual.astype(float), expected.astype(float), atol=tolerance,
                      rtol=tolerance, equal_nan=True)


def _shape_misconception(actual: np.ndarray, expected: np.ndarray) -> str | None:
    if expected.ndim == 4 and actual.shape == (expected.shape[0], expected.shape[3],
                                               *expected.shape[1:3]):
        return "channels-first"
    if expected.ndim == 2 and actual.shape == expected.shape[::-1] and expected.shape[0] > 1:
        return "transposed"
    return None


def _value_misconception(actual: np.ndarray, expected: np.ndarray,
                         tolerance: float | None = None) -> str | None:
    if (expected.ndim == 2 and expected.shape[0] == expected.shape[1] and expected.shape[0] > 1
            and not np.array_equal(expected, expected.T)
            and np.all(_same_values(actual.T, expected, tolerance))):
        return "transposed"
    return None


def in_range(array: Any, low: float, high: float, what: str) -> None:
    """Check that every value of the NumPy array ``array`` lies in [low, high]."""
    ndarray(array, what)
    values = array.astype(float)
    if values.size and not (values.min() >= low and values.max() <= high):
        raise CheckFailedError(what, f"values between {low} and {high}",
                           f"values from {values.min():.6g} to {values.max():.6g}")


def unchanged(before: np.ndarray, after: Any, what: str) -> None:
    """Check that an input array still holds what it held before the call (``before`` is a
    copy taken by the test): the text forbids changing the caller's data."""
    if type(after) is not np.ndarray or after.shape != before.shape or not np.all(
            _same_values(after, before, None)):
        raise CheckFailedError(f"{what} after the call", "the input as it was before",
                           "it was changed", hint="in-place")


# ---------------------------------------------------------------------------------------------
# Behaviour
# ---------------------------------------------------------------------------------------------


def _article(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def call(function: Callable[..., Any], what: str, *arguments: Any,
         **keyword_arguments: Any) -> Any:
    """Call an answer on a valid input and return what it returns; an error it raises becomes a
    failed check that says so (instead of the student's own traceback)."""
    try:
        return function(*arguments, **keyword_arguments)
    except Exception as error:  # noqa: BLE001 (any error is the student's to see)
        message = str(error).split("\n")[0][:200]
        found = _article(type(error).__name__) + (f": {message}" if message else "")
        raise CheckFailedError(what, "a result", found, detail="This input is a valid one: "
                               "the function should accept it.") from None


def raises(expected_error: type[BaseException], function: Callable[..., Any], what: str,
           *arguments: Any, **keyword_arguments: Any) -> BaseException:
    """Check that ``function(*arguments, **keyword_arguments)`` raises ``expected_error``.

    Returns the exception. An answer that returns normally, or raises another kind of error,
    fails with what happened.
    """
    try:
        result = function(*arguments, **keyword_arguments)
    except expected_error as error:
        return error
    except Exception as error:  # noqa: BLE001 (any other error is the student's to see)
        raise CheckFailedError(what, _article(expected_error.__name__),
                               f"{_article(type(error).__name__)} instead") from None
    raise CheckFailedError(what, _article(expected_error.__name__),
                           f"no error: it returned {describe(result)}")


def returns_new_object(first: Any, second: Any, what: str) -> None:
    """Check that two calls built two objects (a function asked to build a new model each time
    must not hand back the same one)."""
    if first is second:
        raise CheckFailedError(what, "a new object on every call", "the same object twice")


LayerSpec = tuple[str, dict[str, Any]]


def layer_config(layer: Any) -> dict[str, Any]:
    """Return a Keras layer's configuration with activations as names (``"relu"``)."""
    config = dict(layer.get_config())
    for key in ("activation",):
        value = config.get(key)
        if isinstance(value, dict):
            config[key] = value.get("config", {}).get("name", value.get("class_name"))
        elif callable(value):
            config[key] = getattr(value, "__name__", str(value))
    for key in ("kernel_size", "strides", "pool_size"):
        if isinstance(config.get(key), list):
            config[key] = tuple(config[key])
    return config


def layer_stack(model: Any, expected: list[LayerSpec], what: str) -> None:
    """Check a Keras model layer by layer: each layer's type, in order, and the configuration
    values the exercise's text fixes (filters, kernel size, activation, pooling, rates...).

    ``expected`` lists ``(type name, {config key: value})`` pairs, one per layer, without the
    input layer. Two models with the same parameter count can still be different models.
    """
    layers = [layer for layer in getattr(model, "layers", [])
              if type(layer).__name__ != "InputLayer"]
    found_types = [type(layer).__name__ for layer in layers]
    expected_types = [name for name, _ in expected]
    if found_types != expected_types:
        raise CheckFailedError(f"the layer types of {what}, in order", describe(expected_types),
                           describe(found_types))
    for position, (layer, (name, settings)) in enumerate(zip(layers, expected, strict=True), 1):
        config = layer_config(layer)
        for key, wanted in settings.items():
            found = config.get(key)
            if isinstance(wanted, float) and isinstance(found, (int, float)):
                agree = math.isclose(found, wanted, rel_tol=1e-6, abs_tol=1e-9)
            else:
                agree = type(found) is type(wanted) and found == wanted
            if not agree:
                hint = ("missing-activation" if key == "activation" and found == "linear"
                        else None)
                raise CheckFailedError(f"layer {position} ({name}) of {what}: its {key}",
                                   describe(wanted), describe(found), hint=hint)
