"""benchmarks.run: verdicts against the targets and the table built from a report."""

from __future__ import annotations

from benchmarks import run


def test_verdict_says_met_or_by_how_much() -> None:
    assert run.verdict(0.993, 0.992, higher_is_better=True) == "met"
    assert run.verdict(0.95, 0.992, higher_is_better=True) == "missed by 0.042"
    assert run.verdict(70.0, 60.0, higher_is_better=False) == "missed by 10"
    assert run.verdict(None, 60.0, higher_is_better=False) == "not measured"


def test_table_compares_full_mode_training_with_the_cpu_targets() -> None:
    report = {
        "machine": {"gpu": False},
        "fast_notebooks": {"01-mnist-data": {"median_seconds": 12.0, "runs": [12.0]}},
        "training": {
            "mode": "full",
            "04-training-cnn": {"records": {"mnist_cnn": {"test_accuracy": 0.9925,
                                                          "train_seconds": 75.0}}},
        },
    }
    rows = {row[0]: row for row in run.table_rows(report)}
    assert rows["fast mode: 01-mnist-data"][3] == "met"
    assert rows["full mode training: mnist_cnn accuracy"][3] == "met"
    assert rows["full mode training: mnist_cnn seconds"][3] == "missed by 15"


def test_fast_mode_training_is_reported_without_a_verdict() -> None:
    report = {
        "machine": {"gpu": True},
        "training": {"mode": "fast", "06-cifar10-augmentation": {
            "records": {"cifar_augmented": {"test_accuracy": 0.3, "train_seconds": 4.0}}}},
    }
    (row,) = run.table_rows(report)
    assert row[0] == "fast mode training: cifar_augmented" and row[3] == ""
