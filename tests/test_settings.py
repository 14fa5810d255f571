"""helpers.settings: modes, budgets, seeds and a quiet TensorFlow."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from helpers import settings


@pytest.fixture
def clean_mode(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(settings.MODE_VARIABLE, raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return monkeypatch


def test_full_mode_is_the_default(clean_mode: pytest.MonkeyPatch) -> None:
    assert settings.mode() == "full"
    assert not settings.is_fast()


@pytest.mark.parametrize("value", ["fast", "FAST", " fast "])
def test_course_mode_selects_fast_mode(clean_mode: pytest.MonkeyPatch, value: str) -> None:
    clean_mode.setenv(settings.MODE_VARIABLE, value)
    assert settings.mode() == "fast"


@pytest.mark.parametrize("stage", ["autograde", "validate"])
def test_nbgrader_execution_forces_fast_mode(clean_mode: pytest.MonkeyPatch, stage: str) -> None:
    clean_mode.setenv(settings.MODE_VARIABLE, "full")
    clean_mode.setenv("NBGRADER_EXECUTION", stage)
    assert settings.mode() == "fast"


def test_unknown_mode_is_a_clear_error(clean_mode: pytest.MonkeyPatch) -> None:
    clean_mode.setenv(settings.MODE_VARIABLE, "quick")
    with pytest.raises(ValueError, match="set it to 'fast'"):
        settings.mode()


def test_every_budget_has_both_modes_and_fast_is_smaller() -> None:
    for lesson, modes in settings.BUDGETS.items():
        assert set(modes) == {"fast", "full"}, lesson
        fast, full = modes["fast"], modes["full"]
        assert fast.epochs <= full.epochs, lesson
        assert fast.train_examples is not None, f"{lesson}: fast mode must use a subset"
        if full.train_examples is not None:
            assert fast.train_examples < full.train_examples, lesson


def test_budget_follows_the_mode(clean_mode: pytest.MonkeyPatch) -> None:
    full = settings.budget("mnist_cnn")
    clean_mode.setenv(settings.MODE_VARIABLE, "fast")
    fast = settings.budget("mnist_cnn")
    assert fast == settings.BUDGETS["mnist_cnn"]["fast"]
    assert full == settings.BUDGETS["mnist_cnn"]["full"]
    with pytest.raises(ValueError, match="Unknown lesson"):
        settings.budget("no-such-lesson")


def test_set_seeds_makes_numpy_repeatable() -> None:
    settings.set_seeds(3)
    first = np.random.rand(3)
    settings.set_seeds(3)
    assert np.array_equal(first, np.random.rand(3))


def test_check_versions_names_the_fix_when_too_old() -> None:
    with pytest.raises(ImportError, match="make lab"):
        settings.check_versions({"numpy": (999, 0)})
    assert "numpy" in settings.check_versions({"numpy": (1, 0)})


def test_record_metrics_appends_json(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    target = tmp_path / "metrics.jsonl"
    monkeypatch.setenv(settings.METRICS_VARIABLE, str(target))
    settings.record_metrics("demo", test_accuracy=0.5, epochs=2)
    settings.record_metrics("demo", test_accuracy=0.75, epochs=3)
    lines = target.read_text().splitlines()
    assert len(lines) == 2 and '"test_accuracy": 0.75' in lines[1]
    assert "test_accuracy = 0.5" in capsys.readouterr().out


def test_setup_keeps_tensorflow_quiet_on_stderr() -> None:
    """A fresh interpreter that runs setup() and trains a tiny model writes nothing to stderr."""
    program = (
        "from helpers import settings\n"
        "settings.setup()\n"
        "import keras, numpy as np\n"
        "model = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1)),\n"
        "                          keras.layers.Flatten(), keras.layers.Dense(2)])\n"
        "model.compile('adam', 'mse')\n"
        "model.fit(np.zeros((4, 6, 6, 1)), np.zeros((4, 2)), verbose=0)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"setup() let this reach stderr:\n{result.stderr}"
    assert "mode" in result.stdout
