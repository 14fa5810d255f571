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


def test_grading_rows_compare_with_the_class_targets() -> None:
    """One student's course, the sandbox's overhead and the class's speed-up get verdicts."""
    cost = {"kernel_start": 2.0, "imports": 4.0, "cells": 3.0, "scoring": 1.5, "execution": 9.5}
    report = {
        "machine": {"gpu": False},
        "one_student": {"sandboxed": {"seconds": 55.0, "full_marks": True,
                                      "per_notebook": {"01-mnist-data": cost}},
                        "unsafe": {"seconds": 52.0}, "sandbox_overhead": 0.058},
        "class": {"students": 30, "assignments": ["a"] * 6, "jobs": 2, "serial_seconds": 900.0,
                  "parallel_seconds": 600.0, "speedup": 1.5, "same_scores": True},
    }
    rows = {row[0]: row for row in run.table_rows(report)}
    assert rows["autograde: one student's course, JOBS=1"][3] == "met"
    assert rows["sandbox overhead"][1:] == ("5.8 %", "<= 10 %", "met")
    assert rows["class of 30 x 6 notebooks: speed-up"][3] == "missed by 0.1"
    assert "kernel 2.0 + imports 4.0" in rows["autograde 01-mnist-data (sandboxed)"][1]
