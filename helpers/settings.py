"""Course settings: fast or full mode, training budgets, seeds and a quiet TensorFlow.

Every notebook (01-06) starts with ``settings.setup()`` and reads its training budget from
``settings.budget(...)``, never from an ``if`` of its own.

Modes
-----
* **full** (the default): what a student gets. Whole datasets, enough epochs to reach the
  accuracy the lesson talks about.
* **fast**: small subsets and one or two epochs, so that a notebook executes in seconds. It is
  selected by ``COURSE_MODE=fast`` (set by ``make test`` and CI) and always during nbgrader's
  autograde and validate runs, which set ``NBGRADER_EXECUTION``.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

# TensorFlow reads these when it is first imported, so they are set as soon as helpers loads.
# Its C++ log lines go to stderr, and nbgrader scores a test cell 0 when it writes to stderr.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

MODE_VARIABLE = "COURSE_MODE"
SEED = 42
MINIMUM_VERSIONS = {"tensorflow": (2, 16), "keras": (3, 0), "numpy": (1, 26)}


@dataclass(frozen=True)
class Budget:
    """How much data and training one lesson uses.

    ``train_examples`` and ``test_examples`` of ``None`` mean "all of them".
    """

    train_examples: int | None
    test_examples: int | None
    epochs: int
    batch_size: int


# One entry per lesson that trains or evaluates a model. Full mode is what students run;
# fast mode keeps each notebook well under a minute on two CPU cores.
BUDGETS: dict[str, dict[str, Budget]] = {
    # 04: the MNIST CNN, and the dense network (MLP) and shuffled-pixel runs that 04 trains
    # the same way for a fair comparison (four runs of this budget in full mode, about 3
    # minutes on two CPU cores).
    "mnist_cnn": {
        "full": Budget(train_examples=None, test_examples=None, epochs=3, batch_size=128),
        "fast": Budget(train_examples=1_000, test_examples=1_000, epochs=2, batch_size=128),
    },
    # 04: one-epoch runs on a small slice (Adam or RMSprop, batch normalisation momentum),
    # validated on the whole validation set. A few dozen steps in full mode (16 in fast mode):
    # few enough that momentum 0.99 visibly spoils the validation accuracy, enough for the
    # network to learn something. Most of a fast-mode run is Keras building the graphs of a new
    # model, so fewer steps save little more.
    "mnist_short_run": {
        "full": Budget(train_examples=2_000, test_examples=None, epochs=1, batch_size=32),
        "fast": Budget(train_examples=500, test_examples=None, epochs=1, batch_size=32),
    },
    # 04: early stopping on a large model trained on a few hundred images, which over-fits
    # within a few epochs (test_examples: the validation images it is watched on).
    "mnist_overfit": {
        "full": Budget(train_examples=300, test_examples=500, epochs=30, batch_size=32),
        "fast": Budget(train_examples=200, test_examples=200, epochs=30, batch_size=32),
    },
    # 05: the stand-in classifier, fitted when notebook 04 saved no model (the grading sandbox
    # never has one): a scikit-learn logistic regression, about 1 s and 89% accuracy on the
    # 1,000 test images in fast mode, a few seconds and 92% in full mode. epochs and batch_size
    # are unused: scikit-learn fits it in one call.
    "mnist_eval": {
        "full": Budget(train_examples=10_000, test_examples=None, epochs=1, batch_size=128),
        "fast": Budget(train_examples=1_000, test_examples=1_000, epochs=1, batch_size=128),
    },
    # 06: the fast CIFAR-10 CNN trained with augmentation (test_examples also sizes the
    # validation set). Full mode: 7-12 minutes on two CPU cores, about 83% test accuracy.
    "cifar_cnn": {
        "full": Budget(train_examples=None, test_examples=None, epochs=12, batch_size=128),
        "fast": Budget(train_examples=512, test_examples=256, epochs=2, batch_size=128),
    },
    # 06: the baseline CNN without augmentation. It only has to show overfitting, so it trains
    # on a subset for a few epochs (1-2 minutes in full mode).
    "cifar_baseline": {
        "full": Budget(train_examples=10_000, test_examples=None, epochs=10, batch_size=128),
        "fast": Budget(train_examples=512, test_examples=256, epochs=2, batch_size=128),
    },
    # 06: the "predict, then run" experiment that trains the fast CNN twice, with horizontal
    # flips and with horizontal and vertical flips, and compares their confusion matrices
    # (about four minutes for both in full mode). Fast mode builds both models but trains for 0
    # epochs: two more training runs would cost fast mode several seconds of tracing, and the
    # comparison only means something in full mode.
    "cifar_flip_experiment": {
        "full": Budget(train_examples=10_000, test_examples=None, epochs=8, batch_size=128),
        "fast": Budget(train_examples=256, test_examples=256, epochs=0, batch_size=128),
    },
}


# Full mode on a GPU: larger budgets where they teach more; the lessons not listed keep their
# BUDGETS entry, and fast mode is the same everywhere. Chosen because a GPU trains these small
# networks many times faster than two CPU cores; the GPU figures are estimates, not measured on
# this project's machines (see the README, "GPU").
GPU_BUDGETS: dict[str, Budget] = {
    # 06: 30 epochs instead of 12. Augmentation's gain over training without it grows with the
    # length of training (after 12 epochs it is a point or two); a GPU affords the longer run.
    "cifar_cnn": Budget(train_examples=None, test_examples=None, epochs=30, batch_size=128),
}


def mode() -> str:
    """Return ``"fast"`` or ``"full"``.

    Fast when ``COURSE_MODE=fast`` or when nbgrader is executing the notebook (autograde or
    validate, which time out cells after 30 s). Used by every notebook through ``budget``.
    """
    if os.environ.get("NBGRADER_EXECUTION"):
        return "fast"
    value = os.environ.get(MODE_VARIABLE, "full").strip().lower() or "full"
    if value not in ("fast", "full"):
        raise ValueError(
            f"{MODE_VARIABLE} is {value!r}; set it to 'fast' (small subsets, for tests and "
            f"grading) or 'full' (the whole lesson), or unset it for full mode."
        )
    return value


def is_fast() -> bool:
    """Return True in fast mode (see ``mode``)."""
    return mode() == "fast"


def budget(lesson: str) -> Budget:
    """Return the training budget of ``lesson`` in the current mode.

    Lessons: ``"mnist_cnn"``, ``"mnist_short_run"`` and ``"mnist_overfit"`` (04),
    ``"mnist_eval"`` (05), ``"cifar_cnn"``, ``"cifar_baseline"`` and ``"cifar_flip_experiment"``
    (06). In full mode with a GPU, ``GPU_BUDGETS`` replaces some entries.
    """
    if lesson not in BUDGETS:
        raise ValueError(f"Unknown lesson {lesson!r}; choose one of {sorted(BUDGETS)}.")
    current_mode = mode()
    if current_mode == "full" and lesson in GPU_BUDGETS and gpu_names():
        return GPU_BUDGETS[lesson]
    return BUDGETS[lesson][current_mode]


def gpu_names() -> list[str]:
    """Return the names of the GPUs TensorFlow can use (empty without one, or before TensorFlow
    is imported: notebooks that do not import it never use a GPU).

    TensorFlow builds with CUDA (Colab, Kaggle, the ``gpu`` extra) report a missing driver on
    stderr when they look for a GPU; that report is kept off stderr here.
    """
    if "tensorflow" not in sys.modules:
        return []
    import tensorflow as tf

    sys.stderr.flush()
    saved_descriptor = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            devices = tf.config.list_physical_devices("GPU")
            names = []
            for device in devices:
                try:
                    details = tf.config.experimental.get_device_details(device)
                except (RuntimeError, ValueError):
                    details = {}
                names.append(str(details.get("device_name") or device.name))
    finally:
        os.dup2(saved_descriptor, 2)
        os.close(saved_descriptor)
    return names


def set_seeds(seed: int = SEED) -> None:
    """Seed Python, NumPy and TensorFlow so that reruns give the same numbers (04 explains
    what still varies: thread scheduling and some GPU kernels)."""
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)


def quiet_tensorflow() -> None:
    """Silence TensorFlow's and Keras's log lines and Python warnings on stderr.

    nbgrader gives a test cell zero points when anything reaches stderr, so a correct answer
    must not be punished for a library's chatter. Errors are still raised as usual.
    """
    import logging
    import warnings

    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    warnings.filterwarnings("ignore", category=UserWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:
        pass
    if "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.get_logger().setLevel(logging.ERROR)
        tf.autograph.set_verbosity(0)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with its start-up log lines (oneDNN, absl) kept off stderr.

    TensorFlow's C++ code writes them straight to file descriptor 2 while it loads, before any
    log level applies, so the descriptor is pointed at ``/dev/null`` for the import only.
    """
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved_descriptor = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import tensorflow  # noqa: F401
    finally:
        os.dup2(saved_descriptor, 2)
        os.close(saved_descriptor)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_versions(packages: dict[str, tuple[int, int]] | None = None) -> dict[str, str]:
    """Check that the installed libraries are new enough and return their versions.

    Raises ``ImportError`` with the command that fixes the environment when one is too old
    (old Keras 2 tutorials use APIs that Keras 3 removed).
    """
    import importlib

    required = MINIMUM_VERSIONS if packages is None else packages
    found = {}
    for name, minimum in required.items():
        module = importlib.import_module(name)
        found[name] = module.__version__
        if _version_tuple(module.__version__) < minimum:
            wanted = ".".join(str(number) for number in minimum)
            raise ImportError(
                f"This course needs {name} >= {wanted}, but {module.__version__} is installed. "
                f"Run `make lab` from the course folder (it installs the right versions), or "
                f"`pip install -e .` in your own environment."
            )
    return found


def setup(seed: int = SEED, tensorflow: bool = True) -> None:
    """The setup cell of every notebook: quiet logs, check versions, seed, print the mode.

    Pass ``tensorflow=False`` in lessons that do not need TensorFlow (it takes a few seconds
    to import).
    """
    if tensorflow:
        try:
            import_tensorflow_quietly()
        except ModuleNotFoundError as error:
            raise ImportError(
                "TensorFlow is not installed. The course installs it with an extra: run "
                "`make lab` from the course folder, or `pip install -e \".[cpu]\"` there "
                "(`.[gpu]` for an NVIDIA GPU on Linux); on Colab and Kaggle, run the notebook's "
                "first code cell."
            ) from error
    quiet_tensorflow()
    # The course's colour-blind-safe colours, for figures drawn with matplotlib directly too.
    from helpers import plots

    plots.use_course_style()
    packages = dict(MINIMUM_VERSIONS)
    if not tensorflow:
        packages = {"numpy": MINIMUM_VERSIONS["numpy"]}
    versions = check_versions(packages)
    set_seeds(seed)
    described = ", ".join(f"{name} {version}" for name, version in versions.items())
    print(f"Python {sys.version.split()[0]}, {described}")
    if tensorflow:
        gpus = gpu_names()
        if gpus:
            print(f"GPU: {', '.join(gpus)}. TensorFlow trains on it.")
        else:
            print("No GPU found: TensorFlow trains on the CPU.")
    if is_fast():
        print("Fast mode: small subsets and few epochs (for tests and grading).")
    else:
        print(f"Full mode: whole datasets. Set {MODE_VARIABLE}=fast for a quick run.")


METRICS_VARIABLE = "COURSE_METRICS_FILE"


def record_metrics(name: str, **values: float | int | str) -> None:
    """Print measured figures and, when ``COURSE_METRICS_FILE`` is set, append them as JSON.

    Notebooks 04 and 06 call this after their final test evaluation (e.g. with
    ``train_seconds`` and ``test_accuracy``); ``benchmarks/`` sets the variable to collect the
    figures of a real notebook run.
    """
    import json

    figures = ", ".join(f"{key} = {value:.4g}" if isinstance(value, float) else f"{key} = {value}"
                        for key, value in values.items())
    print(f"{name} ({mode()} mode): {figures}")
    path = os.environ.get(METRICS_VARIABLE)
    if path:
        record = {"name": name, "mode": mode(), **values}
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


MODELS_DIR_VARIABLE = "COURSE_MODELS_DIR"


def models_dir() -> Path:
    """Return the folder where notebooks save trained models, creating it when missing.

    Notebook 04 saves its CNN there and notebook 05 loads it back. The folder is
    ``COURSE_MODELS_DIR`` when that variable is set, otherwise a per-user cache folder,
    ``$XDG_CACHE_HOME/cnn-course/models`` (usually ``~/.cache/cnn-course/models``). It does not
    depend on the working directory, so the student release (``notebooks/04-*/``), the sources
    (``solutions/``, run by nbval) and nbgrader's ``autograded/<student>/<assignment>/`` folders
    all find the same models, and none of them lands inside the repository.
    """
    value = os.environ.get(MODELS_DIR_VARIABLE, "").strip()
    if value:
        folder = Path(value).expanduser()
    else:
        cache_home = os.environ.get("XDG_CACHE_HOME", "").strip()
        cache = Path(cache_home).expanduser() if cache_home else Path.home() / ".cache"
        folder = cache / "cnn-course" / "models"
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            f"{folder} should be a folder for saved models, but it is a file. Set "
            f"{MODELS_DIR_VARIABLE} to a folder (it is created if missing), or remove the file."
        )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
