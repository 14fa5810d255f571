"""Tests for helpers.layers: the layer table of notebook 03, read from Keras."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import settings

settings.import_tensorflow_quietly()
settings.quiet_tensorflow()

import keras  # noqa: E402

from helpers import layers  # noqa: E402


def small_cnn() -> keras.Model:
    """Conv2D(4, 3x3) -> MaxPooling2D(2) -> Flatten -> Dense(5) on 8x8x2 inputs."""
    return keras.Sequential(
        [
            keras.Input(shape=(8, 8, 2)),
            keras.layers.Conv2D(4, 3, name="convolution"),
            keras.layers.MaxPooling2D(2, name="pooling"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(5, name="classifier"),
        ],
        name="small_cnn",
    )


def test_rows_match_keras() -> None:
    rows = layers.layer_table(small_cnn())
    assert [row.name for row in rows] == ["convolution", "pooling", "flatten", "classifier"]
    assert [row.type for row in rows] == ["Conv2D", "MaxPooling2D", "Flatten", "Dense"]
    assert [row.output_shape for row in rows] == [
        (None, 6, 6, 4),
        (None, 3, 3, 4),
        (None, 36),
        (None, 5),
    ]
    # 3*3*2*4 + 4 = 76 and 36*5 + 5 = 185, counted by Keras.
    assert [row.parameters for row in rows] == [76, 0, 0, 185]


def test_rows_unpack_as_tuples() -> None:
    name, kind, output_shape, parameters = layers.layer_table(small_cnn())[0]
    assert (name, kind, output_shape, parameters) == ("convolution", "Conv2D", (None, 6, 6, 4), 76)


def test_total_matches_count_params() -> None:
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    rows = layers.layer_table(model)
    assert sum(row.parameters for row in rows) == model.count_params() == 592_074


def test_functional_model_includes_input_layer() -> None:
    inputs = keras.Input(shape=(10,))
    outputs = keras.layers.Dense(3)(inputs)
    rows = layers.layer_table(keras.Model(inputs, outputs))
    assert [row.type for row in rows] == ["InputLayer", "Dense"]
    assert rows[0].output_shape == (None, 10)
    assert rows[1].parameters == 33


def test_model_built_with_build() -> None:
    model = keras.Sequential([keras.layers.Dense(2)])
    model.build((None, 3))
    assert layers.layer_table(model)[0].output_shape == (None, 2)


def test_format_layer_table() -> None:
    text = layers.format_layer_table(small_cnn())
    lines = text.splitlines()
    assert lines[0].split() == ["layer", "type", "output", "shape", "parameters"]
    assert "(None, 6, 6, 4)" in text
    assert "(None, 36)" in text
    assert lines[-1] == "total parameters: 261"
    # The same text from the rows as from the model.
    assert layers.format_layer_table(layers.layer_table(small_cnn())) == text


def test_format_layer_table_uses_thousands_separators() -> None:
    model = keras.Sequential([keras.Input(shape=(1000,)), keras.layers.Dense(1000)])
    text = layers.format_layer_table(model)
    assert "1,001,000" in text
    assert text.endswith("total parameters: 1,001,000")


def test_print_layer_table(capsys: pytest.CaptureFixture[str]) -> None:
    layers.print_layer_table(small_cnn())
    printed = capsys.readouterr()
    assert "MaxPooling2D" in printed.out
    assert printed.err == ""


def test_unbuilt_model_raises_clear_error() -> None:
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built") as error:
        layers.layer_table(model)
    assert "keras.Input" in str(error.value)


def test_subclassed_model_raises_clear_error() -> None:
    class Tiny(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs)

    model = Tiny()
    model(np.zeros((1, 3), dtype="float32"))
    with pytest.raises(ValueError, match="keras.Input"):
        layers.layer_table(model)


@pytest.mark.parametrize("not_a_model", ["model", None, 42, [1, 2]])
def test_not_a_model_raises(not_a_model: object) -> None:
    with pytest.raises(ValueError, match="Keras model"):
        layers.format_layer_table(not_a_model)


def test_no_formula_in_module() -> None:
    """The table reads Keras; it must not hold the notebook's parameter formulas."""
    import inspect

    source = inspect.getsource(layers)
    assert "kernel_size" not in source
    assert "strides" not in source
    assert "count_params()" in source
    assert ".output" in source
