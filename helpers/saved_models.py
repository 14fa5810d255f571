"""Where a lesson's trained model is saved, and loading it back (04 and 06 save, 05 loads).

* ``model_path``: the ``.keras`` file of a lesson's model in the current mode (04, 05, 06).
* ``load_saved_model``: that model loaded back with a shape check, or None (05).

Nothing here imports TensorFlow until a model file is really loaded, so that notebook 05 runs
without TensorFlow when notebook 04 saved no model (it then evaluates a scikit-learn stand-in).
``helpers.training`` offers the same two functions for the notebooks that train.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from helpers import settings

if TYPE_CHECKING:
    import keras


def model_path(name: str) -> Path:
    """Return the ``.keras`` file for the model called ``name`` in the current mode.

    The mode is part of the file name (``mnist_cnn-full.keras``, ``mnist_cnn-fast.keras``), so a
    quick fast-mode model is never mistaken for the full one. The folder is
    ``settings.models_dir()``. Notebook 04 saves ``"mnist_cnn"`` there; 05 loads it.
    """
    if not isinstance(name, str) or not name or any(char in name for char in "/\\. "):
        raise ValueError(
            f"name should be a short model name without folders, dots or spaces, such as "
            f"'mnist_cnn', got {name!r}."
        )
    return settings.models_dir() / f"{name}-{settings.mode()}.keras"


def load_saved_model(
    name: str,
    input_shape: tuple[int, ...] = (28, 28, 1),
    num_classes: int = 10,
) -> keras.Model | None:
    """Load the model that an earlier notebook saved as ``model_path(name)``, or return None.

    Used by notebook 05 to evaluate the CNN of notebook 04. Returns None, after printing why,
    when there is no such file, when it cannot be read, or when the model does not map images
    of ``input_shape`` to ``num_classes`` probabilities; the notebook then trains a stand-in.
    TensorFlow is imported (quietly) only when the file exists.
    """
    path = model_path(name)
    if not path.is_file():
        print(f"No saved model at {path}.")
        return None
    settings.import_tensorflow_quietly()
    settings.quiet_tensorflow()
    import keras

    try:
        model = keras.models.load_model(path)
    except Exception as error:  # A half-written or incompatible file: train a stand-in instead.
        print(f"Could not load {path} ({type(error).__name__}: {error}).")
        return None
    expected_input = (None, *input_shape)
    found_input = tuple(getattr(model, "input_shape", ()) or ())
    found_output = tuple(getattr(model, "output_shape", ()) or ())
    if found_input != expected_input or found_output != (None, num_classes):
        print(f"{path} holds a model from {found_input} to {found_output}, not from "
              f"{expected_input} to {(None, num_classes)}.")
        return None
    return model
