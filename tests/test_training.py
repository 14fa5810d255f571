"""Tests for helpers.training (notebook 04), helpers.saved_models and settings.models_dir
(notebooks 04 and 05)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import saved_models, settings, training  # noqa: E402

keras = pytest.importorskip("keras")


@pytest.fixture(autouse=True)
def _plain_mode(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Full mode unless a test says otherwise, and models in a temporary folder."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv(settings.MODE_VARIABLE, raising=False)
    monkeypatch.setenv(settings.MODELS_DIR_VARIABLE, str(tmp_path / "models"))
    yield
    plt.close("all")


def tiny_model(inputs: int = 4, classes: int = 3) -> keras.Model:
    model = keras.Sequential([keras.Input(shape=(inputs,)),
                              keras.layers.Dense(classes, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def tiny_data(count: int = 32, inputs: int = 4, classes: int = 3):
    generator = np.random.default_rng(0)
    return (generator.random((count, inputs)).astype("float32"),
            generator.integers(0, classes, count))


def trained_tiny_model(optimizer=None) -> keras.Model:
    """A tiny model after one training step, so that its optimizer state is saved too."""
    model = tiny_model()
    if optimizer is not None:
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    inputs, labels = tiny_data()
    model.fit(inputs, labels, epochs=1, batch_size=32, verbose=0)
    return model


# settings.models_dir and training.model_path


def test_models_dir_uses_the_environment_variable_and_creates_it(tmp_path, monkeypatch):
    folder = tmp_path / "a" / "b"
    monkeypatch.setenv(settings.MODELS_DIR_VARIABLE, str(folder))
    assert settings.models_dir() == folder
    assert folder.is_dir()


def test_models_dir_defaults_to_a_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(settings.MODELS_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert settings.models_dir() == tmp_path / "cache" / "cnn-course" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert settings.models_dir() == tmp_path / "home" / ".cache" / "cnn-course" / "models"


def test_models_dir_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    first = settings.models_dir()
    monkeypatch.chdir(tmp_path)
    assert settings.models_dir() == first


def test_models_dir_rejects_a_file(tmp_path, monkeypatch):
    path = tmp_path / "not-a-folder"
    path.write_text("")
    monkeypatch.setenv(settings.MODELS_DIR_VARIABLE, str(path))
    with pytest.raises(ValueError, match="folder"):
        settings.models_dir()


def test_model_path_names_the_mode(monkeypatch):
    assert training.model_path("mnist_cnn").name == "mnist_cnn-full.keras"
    monkeypatch.setenv(settings.MODE_VARIABLE, "fast")
    assert training.model_path("mnist_cnn").name == "mnist_cnn-fast.keras"
    assert training.model_path("mnist_cnn").parent == settings.models_dir()


def test_model_path_is_fast_under_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert training.model_path("mnist_cnn").name == "mnist_cnn-fast.keras"


@pytest.mark.parametrize("name", ["", "a/b", "model.keras", "two words", None])
def test_model_path_rejects_bad_names(name):
    with pytest.raises(ValueError, match="model name"):
        training.model_path(name)


# training.load_saved_model


def test_load_saved_model_returns_none_without_a_file(capsys):
    assert training.load_saved_model("mnist_cnn") is None
    assert "No saved model" in capsys.readouterr().out


def test_load_saved_model_loads_what_was_saved():
    model = trained_tiny_model()
    model.save(training.model_path("tiny"))
    loaded = training.load_saved_model("tiny", input_shape=(4,), num_classes=3)
    assert loaded is not None
    inputs, _ = tiny_data()
    np.testing.assert_array_equal(loaded.predict(inputs, verbose=0),
                                  model.predict(inputs, verbose=0))


def test_load_saved_model_does_not_mix_modes(monkeypatch, capsys):
    tiny_model().save(training.model_path("tiny"))
    monkeypatch.setenv(settings.MODE_VARIABLE, "fast")
    assert training.load_saved_model("tiny", input_shape=(4,), num_classes=3) is None


def test_load_saved_model_checks_the_shapes(capsys):
    trained_tiny_model().save(training.model_path("tiny"))
    assert training.load_saved_model("tiny", input_shape=(28, 28, 1), num_classes=10) is None
    assert "not from" in capsys.readouterr().out


def test_load_saved_model_survives_a_broken_file(capsys):
    training.model_path("broken").write_bytes(b"not a zip archive")
    assert training.load_saved_model("broken") is None
    assert "Could not load" in capsys.readouterr().out


def test_saved_models_imports_tensorflow_only_to_load_a_saved_model(tmp_path):
    # Notebook 05 relies on it: without 04's model it evaluates a scikit-learn stand-in, and
    # TensorFlow's import (seconds) is spared at every grading.
    code = textwrap.dedent("""
        import sys
        from helpers import saved_models
        assert "tensorflow" not in sys.modules, "imported by helpers.saved_models"
        assert saved_models.load_saved_model("mnist_cnn") is None
        assert "tensorflow" not in sys.modules, "imported to look for a missing file"
        saved_models.model_path("broken").write_bytes(b"not a zip archive")
        assert saved_models.load_saved_model("broken") is None
        assert "tensorflow" in sys.modules, "a saved file should be loaded with Keras"
    """)
    environment = {**os.environ, settings.MODELS_DIR_VARIABLE: str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False, env=environment)
    assert result.returncode == 0, result.stderr
    assert "No saved model at" in result.stdout
    assert "Could not load" in result.stdout
    assert result.stderr == ""


def test_training_offers_the_saved_model_functions():
    assert training.model_path is saved_models.model_path
    assert training.load_saved_model is saved_models.load_saved_model


# training.one_cycle_schedule and plot_learning_rate


def test_one_cycle_schedule_warms_up_then_decays():
    schedule = training.one_cycle_schedule(100, peak_learning_rate=0.01, warmup_fraction=0.2,
                                           start_factor=0.05, end_factor=0.01)
    rates = np.array([float(schedule(step)) for step in range(101)])
    assert rates[0] == pytest.approx(0.0005)
    assert rates[20] == pytest.approx(0.01)
    assert np.argmax(rates) == 20
    assert np.all(np.diff(rates[:21]) > 0)
    assert np.all(np.diff(rates[20:]) <= 1e-12)
    assert rates[100] == pytest.approx(0.0001)


def test_one_cycle_schedule_survives_saving(tmp_path):
    model = trained_tiny_model(keras.optimizers.Adam(training.one_cycle_schedule(10)))
    path = tmp_path / "scheduled.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    expected = float(model.optimizer.learning_rate)
    assert float(loaded.optimizer.learning_rate) == pytest.approx(expected)


@pytest.mark.parametrize("arguments", [
    {"total_steps": 1}, {"total_steps": 2.5}, {"total_steps": 10, "peak_learning_rate": 0},
    {"total_steps": 10, "warmup_fraction": 1.0}, {"total_steps": 10, "end_factor": 2},
])
def test_one_cycle_schedule_rejects_bad_arguments(arguments):
    with pytest.raises(ValueError):
        training.one_cycle_schedule(**arguments)


def test_plot_learning_rate_draws_every_step():
    figure = training.plot_learning_rate(training.one_cycle_schedule(30), 30, steps_per_epoch=10)
    line = figure.axes[0].lines[0]
    assert len(line.get_xdata()) == 30
    with pytest.raises(ValueError, match="schedule"):
        training.plot_learning_rate(0.01, 30)


# training.LiveLearningCurves


def test_live_curves_in_a_script_print_one_line_per_epoch(capsys):
    inputs, labels = tiny_data()
    live = training.LiveLearningCurves()
    history = tiny_model().fit(inputs, labels, validation_data=(inputs, labels), epochs=3,
                               batch_size=8, verbose=0, callbacks=[live])
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3") and "val_loss" in lines[0]
    for name, values in history.history.items():
        np.testing.assert_allclose(live.epoch_values[name], values, rtol=1e-6)
    assert len(live.batch_positions) == 3 * 4
    assert live.batch_positions[-1] == pytest.approx(3.0)


def test_live_curves_in_a_notebook_update_one_display(monkeypatch, capsys):
    """One display, updated in place, each time a PNG image with a text alternative."""
    from IPython.display import Image

    shown = []

    def describe(image):
        assert isinstance(image, Image) and image.format == "png"
        assert image.data.startswith(b"\x89PNG")
        assert image.alt.startswith("Learning curves while training (epoch ")
        return image.alt

    class FakeHandle:
        def update(self, image):
            shown.append(("update", describe(image)))

    def fake_display(image, display_id=None):
        shown.append(("display", describe(image)))
        assert display_id is True
        return FakeHandle()

    import IPython.display

    monkeypatch.setattr(training, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    inputs, labels = tiny_data()
    live = training.LiveLearningCurves(metrics=("loss",), redraw_seconds=0, live=True)
    tiny_model().fit(inputs, labels, validation_data=(inputs, labels), epochs=2, batch_size=16,
                     verbose=0, callbacks=[live])
    assert shown[0][0] == "display"
    assert all(kind == "update" for kind, _ in shown[1:])
    assert len(shown) == 2 * 2 + 2  # a redraw after every batch and every epoch
    assert "epoch 2/2" in shown[-1][1] and "val_loss" in shown[-1][1]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert plt.get_fignums() == []  # every figure was closed after drawing
    # In fast mode nobody watches: one drawing, of the finished run, and nothing printed.
    shown.clear()
    monkeypatch.setenv(settings.MODE_VARIABLE, "fast")
    quiet = training.LiveLearningCurves(metrics=("loss",), redraw_seconds=0)
    assert not quiet.live
    tiny_model().fit(inputs, labels, validation_data=(inputs, labels), epochs=2, batch_size=16,
                     verbose=0, callbacks=[quiet])
    assert [kind for kind, _ in shown] == ["display"]
    assert "epoch 2/2" in shown[0][1] and "val_loss" in shown[0][1]
    assert capsys.readouterr().out == ""
    monkeypatch.setenv(settings.MODE_VARIABLE, "full")
    assert training.LiveLearningCurves().live


def test_live_curves_figure_has_one_panel_per_metric():
    live = training.LiveLearningCurves(metrics=("loss", "accuracy"))
    live.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.5, "val_loss": 1.2, "val_accuracy": 0.4})
    figure = live.figure()
    assert len(figure.axes) == 2
    assert [axis.get_ylabel() for axis in figure.axes] == ["loss", "accuracy"]


@pytest.mark.parametrize("metrics", ["loss", (), ("loss", "")])
def test_live_curves_reject_bad_metrics(metrics):
    with pytest.raises(ValueError, match="metric"):
        training.LiveLearningCurves(metrics=metrics)
