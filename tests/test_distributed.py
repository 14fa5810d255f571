"""Grading on a real Dask cluster: a ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1, as an instructor would start them (INSTRUCTORS.md, "Grading on a Dask cluster").

A representative part of notebook 01's corpus (``SAMPLE``: the release, the solution, a wrong
answer, a dead kernel, an emptying input transformer, a fork bomb, a socket) is graded three
ways by the instructor commands: through the cluster (``SCHEDULER=...``), one at a time in the
grading process (``JOBS=1``), and, in the ``graded`` fixture of tests/test_grading.py, with the
whole corpus on a local cluster (``JOBS`` = the cores). Every per-cell score must be the same,
and the expected one. ``make bench`` compares the three on the whole corpus of every notebook.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grading import course

from course_grading import commands, sandbox

pytestmark = pytest.mark.skipif(
    bool(sandbox.sandbox_problem()) and not os.environ.get("CI"),
    reason=f"no sandbox on this machine: {sandbox.sandbox_problem()} (CI installs bubblewrap)")

ASSIGNMENT = "01-mnist-data"
SAMPLE = {"release", "solution", "mistakes-01", "pipeline-kernel-killer",
          "hostile-emptying-transformer", "sandbox-fork-bomb", "sandbox-socket"}
DASK = str(Path(sys.executable).parent / "dask")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 (a generator fixture)
    """Start a Dask scheduler and two single-threaded workers on 127.0.0.1; stop them after."""
    folder = tmp_path_factory.mktemp("dask")
    address_file = folder / "scheduler.json"
    logs = [open(folder / f"{name}.log", "w") for name in ("scheduler", "worker-1", "worker-2")]  # noqa: SIM115
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                   "--no-dashboard", "--scheduler-file", str(address_file)],
                                  stdout=logs[0], stderr=subprocess.STDOUT, cwd=folder)]
    try:
        deadline = time.monotonic() + 120
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        for number in (1, 2):
            processes.append(subprocess.Popen(
                [DASK, "worker", "--scheduler-file", str(address_file), "--host", "127.0.0.1",
                 "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--name",
                 f"worker-{number}", "--local-directory", str(folder / f"worker-{number}")],
                stdout=logs[number], stderr=subprocess.STDOUT, cwd=folder))
        from distributed import Client

        with Client(scheduler_file=str(address_file), timeout=120) as client:
            client.wait_for_workers(2, timeout=180)
            yield client.scheduler.address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def scores_of(result: course.GradedCourse) -> dict[str, dict[str, float | None]]:
    if result.error:
        pytest.fail(f"grading failed:\n{result.error}")
    return commands.cell_scores(result.course, result.assignment)


def test_distributed_and_serial_grading_give_the_expected_scores(
        cluster: str, tmp_path: Path, summary_lines: list[str]) -> None:
    """The sample graded on the cluster's two workers and one at a time: every per-cell score
    is identical, and exactly what the corpus expects (which the local-cluster grading of
    tests/test_grading.py is held to as well)."""
    started = time.perf_counter()
    distributed = course.grade_all([ASSIGNMENT], tmp_path / "distributed", workers=2,
                                   scheduler=cluster, students=SAMPLE)[ASSIGNMENT]
    middle = time.perf_counter()
    serial = course.grade_all([ASSIGNMENT], tmp_path / "serial", workers=1,
                              students=SAMPLE)[ASSIGNMENT]
    summary_lines.append(f"grading {len(SAMPLE)} submissions of {ASSIGNMENT}: "
                         f"{middle - started:.0f} s on a Dask cluster of 2 workers, "
                         f"{time.perf_counter() - middle:.0f} s one at a time")
    on_cluster, one_at_a_time = scores_of(distributed), scores_of(serial)
    assert sorted(on_cluster) == sorted(SAMPLE)
    assert on_cluster == one_at_a_time
    for item in distributed.corpus.submissions:
        assert on_cluster[item.student] == item.expected, item.student
    assert sorted(distributed.reports[ASSIGNMENT].timings) == sorted(SAMPLE)
    assert not distributed.reports[ASSIGNMENT].failures
