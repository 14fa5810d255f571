"""Running execution tasks: one after the other, on a local Dask cluster, or on a Dask cluster.

``run(tasks, jobs, scheduler)`` executes every ``execution.Task`` and yields each result as it
finishes, printing progress (done, failed, time left):

* ``scheduler`` given (``tcp://host:8786``, ``make autograde SCHEDULER=...``): on the workers of
  that Dask scheduler (``dask scheduler`` and ``dask worker`` processes started by the
  instructor, or a cluster of dask-jobqueue or the Dask Kubernetes operator). Each worker
  machine needs the course installed, bubblewrap and its dataset folder (COURSE_DATA_DIR).
* ``jobs`` > 1 (default: the number of cores): on a local Dask cluster of that many worker
  processes, one task each at a time.
* ``jobs`` == 1: in this process, one after the other.

Dask only moves tasks and results (``dask.distributed``); a task's notebook still runs in the
sandbox of the machine that executes it. A worker that dies has its task run again elsewhere.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from course_grading.execution import Executed, Task, execute


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class Progress:
    """Prints one line per finished task: how many are done, failed, and the time left."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.started = time.perf_counter()
        self.stream = stream or sys.stdout

    def update(self, result: Executed) -> None:
        """Count one result and print its line."""
        self.done += 1
        self.failed += result.error is not None
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.done * (self.total - self.done)
        status = "FAILED" if result.error else f"{result.timings.get('total', 0):.1f} s"
        print(f"  [{self.done:>{len(str(self.total))}}/{self.total}] {result.task}: {status}; "
              f"{self.failed} failed; {_duration(left)} left", file=self.stream, flush=True)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def check_workers(client: object) -> None:
    """Raise when a worker of a Dask cluster cannot start the sandbox (say which, and why)."""
    from course_grading import sandbox

    problems = client.run(sandbox.sandbox_problem)  # type: ignore[attr-defined]
    bad = {worker: problem for worker, problem in problems.items() if problem}
    if bad:
        raise sandbox.SandboxUnavailableError(
            "These Dask workers cannot start the sandbox: "
            + "; ".join(f"{worker}: {problem}" for worker, problem in sorted(bad.items()))
            + " Install bubblewrap there, or pass --unsafe-no-sandbox for trusted notebooks.")


def run(tasks: list[Task], jobs: int = 1, scheduler: str | None = None,
        unsafe: bool = False, progress: Progress | None = None,
        executor: Callable[[Task], Executed] = execute) -> Iterator[tuple[Task, Executed]]:
    """Execute every task and yield (task, result) as each finishes (see the module docstring).

    A worker that dies has its task run again elsewhere; a task whose code fails returns an
    ``Executed`` with its ``error`` set, and the others go on.
    """
    progress = progress or Progress(len(tasks))
    if not tasks:
        return
    if scheduler is None and jobs <= 1:
        for task in tasks:
            result = executor(task)
            progress.update(result)
            yield task, result
        return
    yield from _run_on_dask(tasks, jobs, scheduler, unsafe, progress, executor)


def _run_on_dask(tasks: list[Task], jobs: int, scheduler: str | None, unsafe: bool,
                 progress: Progress, executor: Callable[[Task], Executed]
                 ) -> Iterator[tuple[Task, Executed]]:
    import logging

    from distributed import Client, LocalCluster, as_completed

    # Dask's own logging (worker start and stop, a closed comm) is not the instructor's news.
    for name in ("distributed", "distributed.worker", "distributed.nanny",
                 "distributed.scheduler", "distributed.core", "distributed.comm"):
        logging.getLogger(name).setLevel(logging.ERROR)
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                               dashboard_address=":0", memory_limit=0)
    client = Client(scheduler or cluster)
    try:
        if not unsafe:
            check_workers(client)
        by_key = {}
        futures = []
        for number, task in enumerate(tasks):
            future = client.submit(executor, task, key=f"execute-{number}-{task.name}",
                                   pure=False, retries=1)
            by_key[future.key] = task
            futures.append(future)
        for future in as_completed(futures):
            task = by_key[future.key]
            try:
                result = future.result()
            except Exception as error:  # The worker itself failed twice, not the notebook.
                result = Executed(task.name, error=f"{type(error).__name__}: {error}")
            progress.update(result)
            yield task, result
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def describe(jobs: int, scheduler: str | None) -> str:
    """Return how tasks will run, for the command's first line."""
    if scheduler:
        return f"on the Dask cluster at {scheduler}"
    if jobs > 1:
        return f"{jobs} at a time (a local Dask cluster)"
    return "one at a time"
