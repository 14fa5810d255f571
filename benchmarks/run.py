"""Measure what students, CI and instructors wait for, and compare it with the course's targets.

    python -m benchmarks.run [--quick] [--repeat N] [--skip-training] [--setup] [--output FILE]

Prints one table and writes it as JSON (default: benchmarks/results/<date>.json, not committed),
with the machine's facts. What it measures, all on this machine in one run:

1. seconds to execute each source notebook in fast mode, kernel start and imports included,
   median of ``--repeat`` runs;
2. grading (benchmarks/grading.py, through the instructor commands): one student's whole course
   autograded one submission at a time in the sandbox and without it (the sandbox's overhead),
   with each submission's cost broken down (kernel start, imports, cells, scoring); and a
   simulated class (``--class-students``, default 30, x every notebook, from the grading
   corpus) graded with JOBS=1 and with the default JOBS; ``--identity`` also grades the whole
   corpus one at a time, on a local Dask cluster and on a two-worker Dask cluster, and compares
   every per-cell score;
3. full-mode training: notebooks 04 and 06 executed in full mode, reading the test accuracy and
   training seconds they record with ``settings.record_metrics``. ``--quick`` executes them in
   fast mode instead (minutes, for CI-sized checks: the figures then describe the small subsets);
4. with ``--setup``: seconds to create the environment from scratch (a new virtual environment and
   ``pip install -e .[dev]``, with whatever pip cache the machine has; the JSON says so);
5. with ``--suite``: seconds for the whole test suite, what ``make test`` runs.

Run it with nothing else busy on the machine: the figures are wall-clock seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from course_grading import release as notebook_tools
from course_grading.course import ROOT

NBGRADER_TIMEOUT = 30
# Targets for a 2-core CPU (issue "Performance").
TARGETS = {
    "notebook_fast_seconds": 30.0,
    "autograde_course_seconds": 60.0,
    "sandbox_overhead": 0.10,
    "class_speedup": 1.6,
    "mnist_accuracy": 0.992,
    "mnist_train_seconds": 60.0,
    "cifar_accuracy_cpu": 0.80,
    "cifar_train_seconds_cpu": 15 * 60.0,
    "cifar_accuracy_gpu": 0.90,
    "cifar_train_seconds_gpu": 120.0,
}
TRAINING_NOTEBOOKS = ("04-training-cnn", "06-cifar10-augmentation")


def machine_facts() -> dict:
    """Cores, processor, Python, TensorFlow and whether a GPU is visible."""
    facts = {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "processor": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        cpu_model = next(line.split(":", 1)[1].strip()
                         for line in Path("/proc/cpuinfo").read_text().splitlines()
                         if line.startswith("model name"))
        facts["processor"] = cpu_model
    except (OSError, StopIteration):
        pass
    probe = ("from helpers import settings; settings.import_tensorflow_quietly(); "
             "import tensorflow as tf, keras, json; print(json.dumps({'tensorflow': tf.__version__,"
             " 'keras': keras.__version__, 'gpus': [d.name for d in "
             "tf.config.list_physical_devices('GPU')]}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    facts.update(json.loads(result.stdout.strip().splitlines()[-1]))
    facts["gpu"] = bool(facts["gpus"])
    return facts


def execute_notebook(path: Path, mode: str, metrics_file: Path | None = None) -> float:
    """Execute a notebook in a fresh kernel and return the wall-clock seconds, start included."""
    from nbclient import NotebookClient

    environment = {"COURSE_MODE": mode}
    if metrics_file is not None:
        environment["COURSE_METRICS_FILE"] = str(metrics_file)
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    try:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=None if mode == "full" else 600,
                                kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        started = time.perf_counter()
        client.execute()
        return time.perf_counter() - started
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def measure_fast_notebooks(repeat: int) -> dict[str, dict]:
    results = {}
    for path in notebook_tools.source_notebooks():
        runs = [execute_notebook(path, "fast") for _ in range(repeat)]
        results[path.parent.name] = {"median_seconds": statistics.median(runs), "runs": runs}
        print(f"  fast mode {path.parent.name}: {statistics.median(runs):.1f} s", flush=True)
    return results


def slowest_cell_seconds(notebook_path: Path) -> float:
    """The longest cell of an executed notebook, from nbclient's timing metadata."""
    slowest = 0.0
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if start and end:
            seconds = (datetime.fromisoformat(end.replace("Z", "+00:00"))
                       - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
            slowest = max(slowest, seconds)
    return slowest


def measure_training(quick: bool) -> dict:
    mode = "fast" if quick else "full"
    figures: dict = {"mode": mode}
    for name in TRAINING_NOTEBOOKS:
        paths = sorted((ROOT / "solutions" / name).glob("*.ipynb"))
        if not paths:
            print(f"  {name}: not written yet, skipped")
            continue
        with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
            metrics_file = Path(handle.name)
        seconds = execute_notebook(paths[0], mode, metrics_file)
        records = [json.loads(line) for line in metrics_file.read_text().splitlines() if line]
        metrics_file.unlink()
        figures[name] = {"notebook_seconds": seconds,
                         "records": {record.pop("name"): record for record in records}}
        print(f"  {mode} mode {name}: {seconds:.0f} s, {figures[name]['records']}", flush=True)
    return figures


def measure_setup() -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        venv = Path(scratch) / "venv"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True, capture_output=True)
        subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True, capture_output=True)
        seconds = time.perf_counter() - started
    return {"seconds": seconds,
            "how": "python -m venv + pip install -e .[dev], with this machine's pip cache"}


def measure_suite() -> dict:
    environment = dict(os.environ, COURSE_MODE="fast",
                       PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, env=environment,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    return {"seconds": seconds, "passed": result.returncode == 0, "summary": summary}


def verdict(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None:
        return "not measured"
    met = value >= target if higher_is_better else value <= target
    if met:
        return "met"
    return f"missed by {abs(value - target):.3g}"


def table_rows(report: dict) -> list[tuple[str, str, str, str]]:
    """(what, measured, target, verdict) rows for the printed table."""
    rows = []
    for name, result in report.get("fast_notebooks", {}).items():
        seconds = result["median_seconds"]
        rows.append((f"fast mode: {name}", f"{seconds:.1f} s", "<= 30 s",
                     verdict(seconds, TARGETS["notebook_fast_seconds"], False)))
    if "fast_notebooks" in report:
        total = sum(result["median_seconds"] for result in report["fast_notebooks"].values())
        rows.append(("fast mode: all notebooks", f"{total:.1f} s", "", ""))
    rows += grading_rows(report)
    training = report.get("training", {})
    gpu = report["machine"]["gpu"]
    records = {}
    for name in TRAINING_NOTEBOOKS:
        records.update(training.get(name, {}).get("records", {}))
    targets = {
        "mnist_cnn": ("mnist_accuracy", "mnist_train_seconds"),
        "cifar_augmented": ("cifar_accuracy_gpu" if gpu else "cifar_accuracy_cpu",
                            "cifar_train_seconds_gpu" if gpu else "cifar_train_seconds_cpu"),
    }
    for name, record in records.items():
        accuracy, seconds = record.get("test_accuracy"), record.get("train_seconds")
        label = f"{training['mode']} mode training: {name}"
        if name in targets and training["mode"] == "full":
            accuracy_key, seconds_key = targets[name]
            rows.append((f"{label} accuracy", f"{accuracy:.4f}", f">= {TARGETS[accuracy_key]}",
                         verdict(accuracy, TARGETS[accuracy_key], True)))
            rows.append((f"{label} seconds", f"{seconds:.0f} s", f"<= {TARGETS[seconds_key]:.0f} s",
                         verdict(seconds, TARGETS[seconds_key], False)))
        else:
            rows.append((label, f"accuracy {accuracy:.4f}, {seconds:.1f} s", "", ""))
    if "suite" in report:
        suite = report["suite"]
        rows.append(("whole test suite (make test)", f"{suite['seconds']:.0f} s", "<= 600 s",
                     verdict(suite["seconds"], 600, False) + ("" if suite["passed"] else
                                                                 ", TESTS FAILED")))
    if "setup" in report:
        rows.append(("environment setup from scratch", f"{report['setup']['seconds']:.0f} s", "",
                     report["setup"]["how"]))
    return rows


def grading_rows(report: dict) -> list[tuple[str, str, str, str]]:
    """Rows of the grading figures (benchmarks/grading.py)."""
    rows = []
    one = report.get("one_student")
    if one:
        for name, cost in one["sandboxed"]["per_notebook"].items():
            rows.append((f"autograde {name} (sandboxed)",
                         f"kernel {cost['kernel_start']:.1f} + imports {cost['imports']:.1f} + "
                         f"cells {cost['cells']:.1f} + other {cost.get('other', 0.0):.1f} + "
                         f"scoring {cost['scoring']:.1f} s (the sandbox's share "
                         f"{cost.get('sandbox', 0.0):+.1f} s)", "", ""))
        seconds = one["sandboxed"]["seconds"]
        rows.append(("autograde: one student's course, JOBS=1", f"{seconds:.1f} s", "<= 60 s",
                     verdict(seconds, TARGETS["autograde_course_seconds"], False)
                     + ("" if one["sandboxed"]["full_marks"] else ", NOT FULL MARKS")))
        rows.append(("autograde: the same without the sandbox", f"{one['unsafe']['seconds']:.1f} s",
                     "", ""))
        rows.append(("sandbox overhead", f"{100 * one['sandbox_overhead']:.1f} %", "<= 10 %",
                     verdict(one["sandbox_overhead"], TARGETS["sandbox_overhead"], False)))
    group = report.get("class")
    if group:
        label = f"class of {group['students']} x {len(group['assignments'])} notebooks"
        rows.append((f"{label}, JOBS=1", f"{group['serial_seconds']:.0f} s", "", ""))
        rows.append((f"{label}, JOBS={group['jobs']}", f"{group['parallel_seconds']:.0f} s", "",
                     ""))
        rows.append((f"{label}: speed-up", f"{group['speedup']:.2f}x", ">= 1.6x",
                     verdict(group["speedup"], TARGETS["class_speedup"], True)
                     + ("" if group["same_scores"] else ", SCORES DIFFER")))
    identity = report.get("identity")
    if identity:
        for label in ("serial", "local cluster", "dask cluster"):
            figures = identity[label]
            rows.append((f"whole corpus ({identity['submissions']} submissions), {label}",
                         f"{figures['seconds']:.0f} s", "as expected",
                         "met" if figures["as_expected"] else "SCORES DIFFER FROM EXPECTED"))
        rows.append(("whole corpus: identical per-cell scores", str(identity["identical"]),
                     "True", "met" if identity["identical"] else "missed"))
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    header = ("what", "measured", "target", "verdict")
    widths = [max(width, len(title)) for width, title in zip(widths, header, strict=True)]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the course (see the module docstring).")
    parser.add_argument("--quick", action="store_true",
                        help="train in fast mode instead of full mode (minutes, not an hour)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fast-mode executions per notebook; the median is reported")
    parser.add_argument("--skip-training", action="store_true", help="skip part 3")
    parser.add_argument("--skip-autograde", action="store_true", help="skip part 2")
    parser.add_argument("--class-students", type=int, default=30,
                        help="students in the simulated class (0: skip it)")
    parser.add_argument("--identity", action="store_true",
                        help="also grade the whole corpus three ways and compare (long)")
    parser.add_argument("--setup", action="store_true", help="also time a fresh install")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    parser.add_argument("--output", type=Path, default=None, help="where to write the JSON")
    arguments = parser.parse_args(argv)
    if not os.environ.get("COURSE_DATA_DIR"):
        print("Note: COURSE_DATA_DIR is not set, so the notebooks use Keras's download cache.")

    report: dict = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "machine": machine_facts(), "arguments": vars(arguments) | {"output": None}}
    print(f"Machine: {report['machine']}", flush=True)
    print("1. Notebooks in fast mode", flush=True)
    report["fast_notebooks"] = measure_fast_notebooks(max(1, arguments.repeat))
    if not arguments.skip_autograde:
        from benchmarks import grading

        print("2. Grading: one student's course, a class", flush=True)
        report["one_student"] = grading.measure_one_student()
        if arguments.class_students:
            report["class"] = grading.measure_class(arguments.class_students)
        if arguments.identity:
            report["identity"] = grading.measure_identity()
    if not arguments.skip_training:
        print(f"3. Training ({'fast' if arguments.quick else 'full'} mode)", flush=True)
        report["training"] = measure_training(arguments.quick)
    if arguments.setup:
        print("4. Environment setup from scratch", flush=True)
        report["setup"] = measure_setup()
    if arguments.suite:
        print("5. The whole test suite", flush=True)
        report["suite"] = measure_suite()
    rows = table_rows(report)
    report["table"] = [dict(zip(("what", "measured", "target", "verdict"), row, strict=True))
                       for row in rows]
    print()
    print_table(rows)
    output = arguments.output or (ROOT / "benchmarks" / "results" /
                                  f"{datetime.now():%Y%m%d-%H%M%S}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
