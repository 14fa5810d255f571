"""Training tools for notebooks 04 and 06: live learning curves, a
one-cycle learning-rate schedule, and where trained models are saved.

* ``LiveLearningCurves``: a Keras callback that redraws loss and accuracy in the notebook while
  ``model.fit`` runs, like tfjs-vis does in the browser (04).
* ``one_cycle_schedule`` and ``plot_learning_rate``: a warm-up then cosine-decay learning rate
  built from Keras's own ``CosineDecay``, and a picture of it (04).
* ``model_path`` and ``load_saved_model``: the ``.keras`` file of a lesson's model in the current
  mode, and loading it back with a shape check (04 and 06 save, 05 loads); they live in
  ``helpers.saved_models``, which 05 imports without TensorFlow.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from helpers import plots, settings
from helpers.saved_models import load_saved_model, model_path

# Keras imports TensorFlow, whose start-up lines would otherwise reach stderr.
settings.import_tensorflow_quietly()

import keras  # noqa: E402

# model_path and load_saved_model come from helpers.saved_models; 04 and 06 call them from here.
__all__ = ["LiveLearningCurves", "load_saved_model", "model_path", "one_cycle_schedule",
           "plot_learning_rate"]


def _in_notebook() -> bool:
    """True when running inside a Jupyter kernel, where figures can be displayed and updated."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class LiveLearningCurves(keras.callbacks.Callback):
    """Redraw training and validation curves in the notebook while ``model.fit`` runs (04).

    Pass it in ``callbacks=[...]``. One panel per metric: the thin line is the training value
    after each batch (Keras reports the running mean since the start of the epoch), the dots are
    the training value at the end of each epoch, and the dashed line with squares is the
    validation value, which Keras computes once per epoch. The figure is redrawn at most every
    ``redraw_seconds`` and at the end of every epoch, in place (one output, updated), as a PNG
    image with a text alternative (``alt_text``), like every figure of the course.

    Outside a notebook (a plain script, pytest) it prints one line per epoch instead. The values
    stay available afterwards in ``epoch_values`` (like ``History.history``).
    """

    def __init__(
        self,
        metrics: Sequence[str] = ("loss", "accuracy"),
        redraw_seconds: float = 5.0,
        panel_size: tuple[float, float] = (5.0, 3.2),
        live: bool | None = None,
    ) -> None:
        """``live``: redraw while training. By default yes, except in fast mode (tests and
        grading), where nobody watches the run: there the figure is drawn once, when training
        ends. (Measured on notebook 04, that saves no noticeable time: each drawing is short.)"""
        super().__init__()
        if isinstance(metrics, str) or not metrics or not all(
            isinstance(name, str) and name for name in metrics
        ):
            raise ValueError(
                f"metrics should be a non-empty list of metric names such as ['loss', 'accuracy'],"
                f" got {metrics!r}."
            )
        if not redraw_seconds >= 0:
            raise ValueError(f"redraw_seconds should be 0 or more, got {redraw_seconds!r}.")
        self.metrics = tuple(metrics)
        self.redraw_seconds = float(redraw_seconds)
        self.panel_size = panel_size
        self.live = (not settings.is_fast()) if live is None else bool(live)
        self._reset()

    def _reset(self) -> None:
        self.batch_positions: list[float] = []
        self.batch_values: dict[str, list[float]] = {name: [] for name in self.metrics}
        self.epoch_values: dict[str, list[float]] = {}
        self._epoch = 0
        self._started = time.perf_counter()
        self._last_draw = -math.inf
        self._handle: Any = None
        self._notebook = _in_notebook()

    # Keras calls these methods during fit.
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        steps = (self.params or {}).get("steps") or 0
        position = self._epoch + (batch + 1) / steps if steps else self._epoch + 1.0
        self.batch_positions.append(position)
        for name in self.metrics:
            value = logs.get(name)
            self.batch_values[name].append(float(value) if value is not None else np.nan)
        if (self._notebook and self.live
                and time.perf_counter() - self._last_draw >= self.redraw_seconds):
            self._draw()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        for name, value in (logs or {}).items():
            if np.ndim(value) == 0:
                self.epoch_values.setdefault(name, []).append(float(value))
        if not self._notebook:
            print(self._status() + ": " + self._epoch_summary())
        elif self.live:
            self._draw()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._notebook and not self.live:
            self._draw()

    # Drawing.
    def _status(self) -> str:
        total = (self.params or {}).get("epochs")
        done = len(self.epoch_values.get(self.metrics[0], []))
        seconds = time.perf_counter() - self._started
        of_total = f"/{total}" if total else ""
        return f"epoch {done}{of_total}, {seconds:.0f} s"

    def _epoch_summary(self) -> str:
        parts = []
        for name in self.metrics:
            for key in (name, f"val_{name}"):
                if self.epoch_values.get(key):
                    parts.append(f"{key} {self.epoch_values[key][-1]:.4f}")
        return ", ".join(parts)

    def figure(self) -> plt.Figure:
        """Return a new figure of the curves recorded so far (also used for the live display)."""
        width, height = self.panel_size
        figure, axes = plt.subplots(
            1, len(self.metrics), figsize=(width * len(self.metrics), height), squeeze=False,
            layout="constrained",
        )
        for axis, name in zip(axes.flat, self.metrics, strict=True):
            if self.batch_positions:
                axis.plot(self.batch_positions, self.batch_values[name], "-", linewidth=0.8,
                          color=plots.PALETTE[0], alpha=0.6, label=f"training {name} (per batch)")
            # Colour-blind-safe blue and orange, and different markers and line styles as well.
            for key, style, color, label in (
                (name, "o", plots.PALETTE[0], f"training {name} (end of epoch)"),
                (f"val_{name}", "s--", plots.PALETTE[1], f"validation {name}"),
            ):
                values = self.epoch_values.get(key, [])
                if values:
                    epochs = np.arange(1, len(values) + 1)
                    axis.plot(epochs, values, style, color=color, label=label)
            axis.set_xlabel("epoch")
            axis.set_ylabel(name)
            axis.grid(alpha=0.3)
            if axis.get_legend_handles_labels()[0]:
                axis.legend(fontsize=8)
        figure.suptitle(f"Training: {self._status()}")
        return figure

    def alt_text(self) -> str:
        """Return the text alternative of the current figure: what it shows, in words."""
        summary = self._epoch_summary()
        return (f"Learning curves while training ({self._status()}): "
                f"{', '.join(self.metrics)} per batch and per epoch"
                + (f"; last epoch: {summary}." if summary else "."))

    def _draw(self) -> None:
        import io

        from IPython.display import Image, display

        figure = self.figure()
        try:
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        finally:
            # Closing stops Jupyter from drawing the figure a second time when the cell ends.
            plt.close(figure)
        # A PNG with a text alternative, as plots.show gives every other figure.
        image = Image(data=buffer.getvalue(), format="png", alt=self.alt_text())
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)
        self._last_draw = time.perf_counter()


def one_cycle_schedule(
    total_steps: int,
    peak_learning_rate: float = 0.01,
    warmup_fraction: float = 0.2,
    start_factor: float = 0.05,
    end_factor: float = 0.01,
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A one-cycle-like learning rate for ``total_steps`` training steps (notebook 04).

    The rate climbs linearly from ``start_factor * peak_learning_rate`` to
    ``peak_learning_rate`` over the first ``warmup_fraction`` of the steps, then falls along a
    cosine to ``end_factor * peak_learning_rate``. It is Keras's built-in ``CosineDecay`` with
    warm-up, so a model compiled with it can be saved and loaded without extra code.
    """
    if not isinstance(total_steps, (int, np.integer)) or total_steps < 2:
        raise ValueError(
            f"total_steps should be a whole number of at least 2 (epochs * steps per epoch), "
            f"got {total_steps!r}."
        )
    if not peak_learning_rate > 0:
        raise ValueError(f"peak_learning_rate should be positive, got {peak_learning_rate!r}.")
    if not 0 <= warmup_fraction < 1:
        raise ValueError(f"warmup_fraction should be in [0, 1), got {warmup_fraction!r}.")
    for name, value in (("start_factor", start_factor), ("end_factor", end_factor)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} should be between 0 and 1, got {value!r}.")
    warmup_steps = int(round(warmup_fraction * total_steps))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=start_factor * peak_learning_rate,
        decay_steps=max(1, int(total_steps) - warmup_steps),
        alpha=end_factor,
        warmup_target=peak_learning_rate,
        warmup_steps=warmup_steps,
    )


def plot_learning_rate(
    schedule: Any, total_steps: int, steps_per_epoch: int | None = None
) -> plt.Figure:
    """Plot the learning rate a schedule gives at each training step (notebook 04).

    With ``steps_per_epoch`` the epoch boundaries are marked.
    """
    if not callable(schedule):
        raise ValueError("schedule should be a Keras learning-rate schedule (a callable), "
                         f"got {type(schedule).__name__}.")
    if total_steps < 1:
        raise ValueError(f"total_steps should be at least 1, got {total_steps!r}.")
    steps = np.arange(total_steps)
    rates = np.array([float(schedule(int(step))) for step in steps])
    figure, axis = plt.subplots(figsize=(6, 3), layout="constrained")
    axis.plot(steps, rates)
    if steps_per_epoch:
        for boundary in range(steps_per_epoch, total_steps, steps_per_epoch):
            axis.axvline(boundary, color="gray", linestyle=":", linewidth=1)
    axis.set_xlabel("training step (batch)")
    axis.set_ylabel("learning rate")
    axis.set_title("Learning rate during training")
    axis.grid(alpha=0.3)
    return figure


