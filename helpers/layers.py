"""A table of any Keras model's layers, read from Keras itself (introduced in notebook 03).

``layer_table(model)`` returns one row per layer, ``(name, type, output_shape, parameters)``;
``format_layer_table(model)`` turns the rows into a plain-text table (no pandas needed) and
``print_layer_table(model)`` prints it::

    from helpers import layers
    layers.print_layer_table(model)
    for name, kind, output_shape, parameters in layers.layer_table(model):
        ...

Every number comes from Keras: the output shape from ``layer.output.shape`` (Keras 3 has no
``layer.output_shape``) and the parameter count from ``layer.count_params()``. Nothing here
computes a shape or a parameter count from a formula: that is what notebook 03 asks you to do,
and this table is how you check your arithmetic on any model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

Shape = tuple[int | None, ...]


class LayerRow(NamedTuple):
    """One layer of a model: its name, class name, output shape (batch axis first) and the
    number of parameters (weights and biases) it holds."""

    name: str
    type: str
    output_shape: Shape | tuple[Shape, ...]
    parameters: int


def _check_model(model: Any) -> None:
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(
            f"layer_table needs a Keras model (keras.Sequential or keras.Model), but got a "
            f"{type(model).__name__}. Pass the model itself, e.g. layer_table(model)."
        )
    if not model.built:
        raise ValueError(
            f"The model {model.name!r} is not built yet, so its layers have no output shapes or "
            "weights. Start it with an input, e.g. keras.Sequential([keras.Input(shape=(28, 28, "
            "1)), ...]), or call model.build((None, 28, 28, 1)) with your input shape first."
        )


def _shape_of(output: Any) -> Shape | tuple[Shape, ...]:
    if isinstance(output, (list, tuple)):
        return tuple(_shape_of(item) for item in output)  # type: ignore[misc]
    return tuple(None if size is None else int(size) for size in output.shape)


def layer_table(model: Any) -> list[LayerRow]:
    """Return one ``LayerRow(name, type, output_shape, parameters)`` per layer of ``model``.

    Used in notebook 03 (and any later notebook) to look at a model as data. The rows follow
    ``model.layers``; the output shape starts with ``None``, the batch axis. Raises
    ``ValueError`` for an unbuilt model or for something that is not a Keras model.
    """
    _check_model(model)
    rows = []
    for layer in model.layers:
        try:
            output = layer.output
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"Keras recorded no output for layer {layer.name!r} of model {model.name!r} "
                f"({error}). It records one for models built from keras.Input(...) with "
                "keras.Sequential or the functional API keras.Model(inputs, outputs), not for "
                "a subclass of keras.Model; build the model that way, then try again."
            ) from None
        rows.append(
            LayerRow(
                name=layer.name,
                type=type(layer).__name__,
                output_shape=_shape_of(output),
                parameters=int(layer.count_params()),
            )
        )
    return rows


def _shape_text(shape: Shape | tuple[Shape, ...]) -> str:
    if shape and isinstance(shape[0], tuple):
        return ", ".join(_shape_text(item) for item in shape)  # type: ignore[arg-type]
    inside = ", ".join("None" if size is None else str(size) for size in shape)
    return f"({inside},)" if len(shape) == 1 else f"({inside})"


def format_layer_table(model_or_rows: Any) -> str:
    """Return the layer table of a model (or of rows from ``layer_table``) as plain text.

    The last line gives the total number of parameters (notebook 03).
    """
    if isinstance(model_or_rows, Sequence) and not isinstance(model_or_rows, str):
        rows = list(model_or_rows)
        if not all(isinstance(row, LayerRow) for row in rows):
            raise ValueError(
                "format_layer_table needs a Keras model or the list that layer_table(model) "
                "returns."
            )
    else:
        rows = layer_table(model_or_rows)
    header = ("layer", "type", "output shape", "parameters")
    body = [(row.name, row.type, _shape_text(row.output_shape), f"{row.parameters:,}")
            for row in rows]
    total = sum(row.parameters for row in rows)
    widths = [max(len(line[column]) for line in [header, *body]) for column in range(4)]

    def line(cells: Sequence[str]) -> str:
        left = [cell.ljust(width) for cell, width in zip(cells[:3], widths[:3], strict=True)]
        return "  ".join([*left, cells[3].rjust(widths[3])])

    rule = "-" * len(line(header))
    return "\n".join([line(header), rule, *(line(cells) for cells in body), rule,
                      f"total parameters: {total:,}"])


def print_layer_table(model_or_rows: Any) -> None:
    """Print ``format_layer_table(model_or_rows)`` (notebook 03)."""
    print(format_layer_table(model_or_rows))


def layer_sources(model: Any) -> list[tuple[int, ...]]:
    """Return, for each layer of ``model`` after its input, the positions of the layers it
    reads from: 0 is the model's input, 1 the first layer after it, 2 the next, and so on, in
    the order of ``model.layers`` (notebook 04).

    A straight chain gives ``[(0,), (1,), (2,), ...]``; a layer that merges two branches, such
    as ``Add``, reads from two positions, in the order it was called with. This is how to check
    a Functional model's wiring, which ``layer_table`` does not show::

        for position, sources in enumerate(layers.layer_sources(model), start=1):
            print(position, model_layers[position - 1].name, "reads", sources)

    Raises ``ValueError`` for something that is not a built Keras model, or for a model whose
    layers were called more than once (shared layers), where positions would be ambiguous.
    """
    _check_model(model)
    model_inputs = list(model.inputs)
    body = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    producers: list[tuple[Any, int]] = []
    for position, layer in enumerate(body, start=1):
        if len(getattr(layer, "_inbound_nodes", [])) > 1:
            raise ValueError(
                f"Layer {layer.name!r} of model {model.name!r} is called more than once (a shared "
                "layer), so the layers it reads from are ambiguous. Give each call its own layer."
            )
        outputs = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
        producers.extend((tensor, position) for tensor in outputs)

    def position_of(tensor: Any, reader: Any) -> int:
        if any(tensor is model_input for model_input in model_inputs):
            return 0
        for produced, position in producers:
            if tensor is produced:
                return position
        raise ValueError(
            f"Layer {reader.name!r} of model {model.name!r} reads a tensor that no layer of the "
            "model produced (a layer reused from another model?). Build every layer of the "
            "model from its own keras.Input."
        )

    sources = []
    for layer in body:
        inputs = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
        sources.append(tuple(position_of(tensor, layer) for tensor in inputs))
    return sources
