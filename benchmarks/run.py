"""Measure what students, CI and instructors wait for, and compare it with the course's targets.

    python -m benchmarks.run [--quick] [--repeat N] [--skip-training] [--setup] [--output FILE]

Prints one table and writes it as JSON (default: benchmarks/results/<date>.json, not committed),
with the machine's facts. What it measures, all on this machine in one run:

1. seconds to execute each source notebook in fast mode, kernel start and imports included,
   median of ``--repeat`` runs;
2. seconds to autograde one student's whole course in fast mode (the solutions submitted as one
   student to a fresh nbgrader course), per notebook and in total, and the slowest single cell,
   against nbgrader's 30 s cell timeout;
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
import shutil
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
    "autograde_course_seconds": 120.0,
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


def measure_autograde() -> dict:
    """Autograde the solutions as one student in a fresh nbgrader course, one assignment a call."""
    from nbgrader.api import Gradebook

    results: dict = {"per_notebook": {}}
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    environment.pop("COURSE_MODE", None)
    with tempfile.TemporaryDirectory() as course:
        course_dir = Path(course)
        shutil.copytree(ROOT / "solutions", course_dir / "source")
        config = (ROOT / "nbgrader_config.py").read_text()
        config += ('\nc.CourseDirectory.source_directory = "source"\n'
                   'c.CourseDirectory.release_directory = "release"\n'
                   'c.Execute.record_timing = True\n')
        (course_dir / "nbgrader_config.py").write_text(config)
        total = 0.0
        for name in notebook_tools.assignments():
            subprocess.run([nbgrader, "generate_assignment", name, "--force"], cwd=course_dir,
                           env=environment, check=True, capture_output=True)
            submitted = course_dir / "submitted" / "student" / name
            submitted.mkdir(parents=True)
            for path in (course_dir / "source" / name).glob("*.ipynb"):
                shutil.copy(path, submitted / path.name)
            started = time.perf_counter()
            subprocess.run([nbgrader, "autograde", name, "--force"], cwd=course_dir,
                           env=environment, check=True, capture_output=True)
            seconds = time.perf_counter() - started
            total += seconds
            with Gradebook(f"sqlite:///{course_dir}/gradebook.db") as gradebook:
                submission = gradebook.find_submission(name, "student")
                score, max_score = submission.score, submission.max_score
            graded = next((course_dir / "autograded" / "student" / name).glob("*.ipynb"))
            results["per_notebook"][name] = {
                "seconds": seconds,
                "score": score,
                "max_score": max_score,
                "slowest_cell_seconds": slowest_cell_seconds(graded),
            }
            print(f"  autograde {name}: {seconds:.1f} s, {score}/{max_score} points", flush=True)
        results["total_seconds"] = total
    return results


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
    autograde = report.get("autograde")
    if autograde:
        for name, result in autograde["per_notebook"].items():
            rows.append((f"autograde: {name}",
                         f"{result['seconds']:.1f} s ({result['score']:g}/{result['max_score']:g},"
                         f" slowest cell {result['slowest_cell_seconds']:.1f} s)",
                         "slowest cell <= 15 s",
                         verdict(result["slowest_cell_seconds"], NBGRADER_TIMEOUT / 2, False)))
        rows.append(("autograde: whole course", f"{autograde['total_seconds']:.1f} s", "<= 120 s",
                     verdict(autograde["total_seconds"], TARGETS["autograde_course_seconds"],
                             False)))
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
        print("2. Autograding one student's course", flush=True)
        report["autograde"] = measure_autograde()
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
