"""GPU: settings.setup() says whether TensorFlow trains on a GPU, and full mode on a GPU may use
the larger budgets of settings.GPU_BUDGETS (fast mode never changes).

This machine has no GPU: the GPU case is simulated by replacing ``settings.gpu_names``; the
README says how a maintainer checks a real one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from helpers import settings


@pytest.fixture
def full_mode(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(settings.MODE_VARIABLE, raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return monkeypatch


def test_gpu_budgets_only_enlarge_existing_full_budgets() -> None:
    assert settings.GPU_BUDGETS, "document the GPU budgets or remove the overlay"
    for lesson, gpu in settings.GPU_BUDGETS.items():
        assert lesson in settings.BUDGETS, lesson
        full = settings.BUDGETS[lesson]["full"]
        assert gpu != full, f"{lesson}: a GPU budget equal to the full one teaches nothing more"
        assert gpu.epochs >= full.epochs, lesson
        for field in ("train_examples", "test_examples"):
            gpu_value, full_value = getattr(gpu, field), getattr(full, field)
            if full_value is None:
                assert gpu_value is None, f"{lesson}.{field}: the full run uses all the data"
            elif gpu_value is not None:
                assert gpu_value >= full_value, f"{lesson}.{field}"


@pytest.mark.parametrize("lesson", sorted(settings.BUDGETS))
def test_full_mode_on_a_gpu_uses_the_gpu_budget(full_mode: pytest.MonkeyPatch,
                                                lesson: str) -> None:
    full_mode.setattr(settings, "gpu_names", lambda: ["NVIDIA Tesla T4"])
    expected = settings.GPU_BUDGETS.get(lesson, settings.BUDGETS[lesson]["full"])
    assert settings.budget(lesson) == expected


@pytest.mark.parametrize("lesson", sorted(settings.BUDGETS))
@pytest.mark.parametrize("gpus", [[], ["NVIDIA Tesla T4"]])
def test_fast_mode_is_the_same_with_or_without_a_gpu(full_mode: pytest.MonkeyPatch,
                                                     lesson: str, gpus: list[str]) -> None:
    full_mode.setattr(settings, "gpu_names", lambda: gpus)
    full_mode.setenv(settings.MODE_VARIABLE, "fast")
    assert settings.budget(lesson) == settings.BUDGETS[lesson]["fast"]


@pytest.mark.parametrize("lesson", sorted(settings.BUDGETS))
def test_full_mode_without_a_gpu_keeps_the_cpu_budget(full_mode: pytest.MonkeyPatch,
                                                      lesson: str) -> None:
    full_mode.setattr(settings, "gpu_names", lambda: [])
    assert settings.budget(lesson) == settings.BUDGETS[lesson]["full"]


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=False)


def test_setup_says_the_cpu_trains_on_this_machine_and_writes_nothing_to_stderr() -> None:
    result = run_python("""
        from helpers import settings
        settings.setup()
    """)
    assert result.returncode == 0, result.stderr
    assert "No GPU found: TensorFlow trains on the CPU." in result.stdout.splitlines()
    assert result.stderr == ""


def test_setup_names_the_gpu_it_trains_on(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(settings, "gpu_names", lambda: ["NVIDIA Tesla T4"])
    settings.setup()
    lines = capsys.readouterr().out.splitlines()
    assert "GPU: NVIDIA Tesla T4. TensorFlow trains on it." in lines


def test_setup_without_tensorflow_says_nothing_about_a_gpu() -> None:
    result = run_python("""
        import sys
        from helpers import settings
        settings.setup(tensorflow=False)
        assert "tensorflow" not in sys.modules
        assert settings.gpu_names() == []
    """)
    assert result.returncode == 0, result.stderr
    assert "GPU" not in result.stdout


def test_a_missing_tensorflow_says_how_to_install_it() -> None:
    result = run_python("""
        import sys

        class NoTensorFlow:
            def find_spec(self, name, path=None, target=None):
                if name == "tensorflow" or name.startswith("tensorflow."):
                    raise ModuleNotFoundError(f"No module named {name!r}")
                return None

        sys.meta_path.insert(0, NoTensorFlow())
        from helpers import settings
        try:
            settings.setup()
        except ImportError as error:
            print(error)
    """)
    assert result.returncode == 0, result.stderr
    assert "TensorFlow is not installed" in result.stdout
    assert '".[cpu]"' in result.stdout and "first code cell" in result.stdout
