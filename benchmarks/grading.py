"""Grading figures for ``make bench`` (benchmarks/run.py), measured through the instructor
commands (``commands.assign``, ``collect``, ``autograde``) in scratch course folders:

* ``one_student``: one student's whole course (the solutions of every notebook) autograded one
  submission at a time (``JOBS=1``), in the sandbox and then without it (``--unsafe-no-sandbox``):
  the course's seconds (target <= 60 s), the sandbox's overhead (target <= 10 %), and each
  submission's cost: kernel start (the sandbox's set-up included), imports (the cells up to the
  setup cell), the other cells, the rest of the execution (the executor's start, reading and
  writing the notebook), scoring (nbgrader's autograde, all assignments in one process, whose
  start is counted once in the course's seconds), and the sandbox's share (sandboxed minus
  unsafe execution);
* ``simulated_class``: a class of ``students`` x every notebook built from the grading corpus
  (correct and wrong answers, no submission that waits for a timeout), autograded with
  ``JOBS=1`` and with the default ``JOBS`` (the cores): seconds and speed-up (target >= 1.6);
* ``identity``: the whole grading corpus of the chosen notebooks graded one at a time, on a local
  Dask cluster and on a Dask cluster of two ``dask worker`` processes: are all per-cell scores
  the same? (``--identity``; the tests compare a representative part on every run.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course_grading import collecting, commands
from course_grading import course as course_folder
from course_grading import release as release_tools
from course_grading.scheduler import default_jobs

# Corpus submissions left out of a simulated class: they wait for timeouts on purpose.
SLOW_KINDS = ("pipeline", "sandbox")


def _corpus_module():  # noqa: ANN202 (a module)
    # The grading corpus lives with the tests (tests/grading/), not in an installed package.
    tests = str(course_folder.ROOT / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    from grading import corpus

    return corpus


def new_course(folder: Path, assignments: list[str]) -> Path:
    """Make a course folder with the given assignments, assigned (release and gradebook)."""
    course = folder / "course"
    for name in assignments:
        shutil.copytree(course_folder.ROOT / course_folder.SOURCE / name,
                        course / course_folder.SOURCE / name)
    shutil.copy(course_folder.ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    commands.assign(course, assignments)
    return course


def submit(course: Path, notebooks: dict[tuple[str, str], nbformat.NotebookNode]) -> None:
    """Hand in {(student, assignment): notebook} as downloaded files, then `collect` them."""
    downloads = course.parent / "downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir()
    for (student, name), notebook in notebooks.items():
        nbformat.write(notebook, downloads / f"{student}_{name}.ipynb")
    result = collecting.collect(course, downloads)
    if result.skipped:
        raise course_folder.GradingError(f"collect skipped {result.skipped}")


def corpus_of(course: Path, name: str):  # noqa: ANN201 (a corpus)
    """Build the grading corpus of one assignment from the course's source and release."""
    notebook = f"{name}.ipynb"
    return _corpus_module().build(
        name, nbformat.read(course / course_folder.SOURCE / name / notebook, as_version=4),
        nbformat.read(course / course_folder.RELEASE / name / notebook, as_version=4))


def autograde(course: Path, assignments: list[str], **options: object) -> tuple[float, dict]:
    """Run the autograde command; return its seconds and reports."""
    started = time.perf_counter()
    reports = commands.autograde(course, assignments, **options)
    return time.perf_counter() - started, reports


def _setup_cell(notebook: nbformat.NotebookNode) -> int:
    """Return the position, among the non-empty code cells, of the one calling settings.setup."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    return next((index for index, cell in enumerate(code) if "settings.setup(" in cell.source), 0)


def breakdown(timings: dict, setup_index: int) -> dict[str, float]:
    """Split one submission's execution timings into kernel start, imports and other cells."""
    cells = timings.get("cells", [])
    imports = sum(cells[: setup_index + 1])
    total = timings.get("total", 0.0)
    kernel_start = timings.get("kernel_start", 0.0)
    return {"kernel_start": round(kernel_start, 2),
            "imports": round(imports, 2),
            "cells": round(sum(cells) - imports, 2),
            # The executor's own start and the notebook's reading and writing.
            "other": round(max(total - kernel_start - sum(cells), 0.0), 2),
            "execution": round(total, 2)}


def measure_one_student(assignments: list[str] | None = None) -> dict:
    """One student's course, JOBS=1, sandboxed then unsafe (see the module docstring)."""
    assignments = assignments or release_tools.assignments()
    results: dict = {"assignments": assignments}
    with tempfile.TemporaryDirectory() as scratch:
        course = new_course(Path(scratch), assignments)
        submitted = {name: corpus_of(course, name).by_student()["solution"].notebook
                     for name in assignments}
        submit(course, {("student", name): notebook for name, notebook in submitted.items()})
        for label, unsafe in (("sandboxed", False), ("unsafe", True)):
            seconds, reports = autograde(course, assignments, jobs=1, unsafe=unsafe)
            per_notebook = {}
            for name in assignments:
                # The setup cell is counted in the submitted notebook (the release, which has
                # cells the source lacks), as the executor's timings are.
                report = reports[name]
                cost = breakdown(report.timings.get("student", {}), _setup_cell(submitted[name]))
                cost["scoring"] = round(report.scoring_seconds, 2)
                per_notebook[name] = cost
            full = all(score is None or score > 0 for name in assignments
                       for score in commands.cell_scores(course, name)["student"].values())
            results[label] = {"seconds": round(seconds, 1), "per_notebook": per_notebook,
                              "full_marks": full}
            print(f"  one student's course, {label}: {seconds:.1f} s", flush=True)
    for name, cost in results["sandboxed"]["per_notebook"].items():
        cost["sandbox"] = round(cost["execution"]
                                - results["unsafe"]["per_notebook"][name]["execution"], 2)
    sandboxed, unsafe = results["sandboxed"]["seconds"], results["unsafe"]["seconds"]
    results["sandbox_overhead"] = round((sandboxed - unsafe) / unsafe, 3)
    return results


def class_notebooks(course: Path, assignments: list[str],
                    students: int) -> dict[tuple[str, str], nbformat.NotebookNode]:
    """Return a simulated class: per assignment, ``students`` corpus submissions (taken in turn
    from the solution, the partial answers and the mistakes; none waiting for a timeout)."""
    notebooks = {}
    for name in assignments:
        pool = [item for item in corpus_of(course, name).submissions
                if not item.kind.startswith(SLOW_KINDS) and item.kind != "hostile"]
        for number in range(students):
            notebooks[(f"student-{number + 1:02d}", name)] = pool[number % len(pool)].notebook
    return notebooks


def measure_class(students: int = 30, assignments: list[str] | None = None,
                  jobs: int | None = None) -> dict:
    """A simulated class graded with JOBS=1 and with the default JOBS (see the docstring)."""
    assignments = assignments or release_tools.assignments()
    jobs = jobs or default_jobs()
    results: dict = {"students": students, "assignments": assignments, "jobs": jobs,
                     "submissions": students * len(assignments)}
    with tempfile.TemporaryDirectory() as scratch:
        course = new_course(Path(scratch), assignments)
        submit(course, class_notebooks(course, assignments, students))
        for label, count in (("parallel", jobs), ("serial", 1)):
            seconds, _ = autograde(course, assignments, jobs=count)
            results[f"{label}_seconds"] = round(seconds, 1)
            print(f"  class of {students} x {len(assignments)}, JOBS={count}: {seconds:.0f} s",
                  flush=True)
            results[f"{label}_scores"] = {name: commands.cell_scores(course, name)
                                          for name in assignments}
    results["speedup"] = round(results["serial_seconds"] / results["parallel_seconds"], 2)
    results["same_scores"] = results.pop("serial_scores") == results.pop("parallel_scores")
    return results


def measure_identity(assignments: list[str] | None = None, jobs: int | None = None) -> dict:
    """The whole corpus graded one at a time, on a local cluster and on a two-worker Dask
    cluster: are the per-cell scores identical (and as expected)?"""
    assignments = assignments or release_tools.assignments()
    dask = str(Path(sys.executable).parent / "dask")
    results: dict = {"assignments": assignments}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        address_file = folder / "scheduler.json"
        processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                       "--no-dashboard", "--scheduler-file", str(address_file)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        try:
            while not address_file.exists():
                time.sleep(0.5)
            processes += [subprocess.Popen(
                [dask, "worker", "--scheduler-file", str(address_file), "--nthreads", "1",
                 "--no-dashboard", "--local-directory", str(folder / f"worker-{number}")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for number in (1, 2)]
            from distributed import Client

            with Client(scheduler_file=str(address_file)) as client:
                client.wait_for_workers(2, timeout=300)
                address = client.scheduler.address
            scores = {}
            for label, options in (("serial", {"jobs": 1}),
                                   ("local cluster", {"jobs": jobs or default_jobs()}),
                                   ("dask cluster", {"jobs": 2, "scheduler": address})):
                course = new_course(folder / label.replace(" ", "-"), assignments)
                corpora = {name: corpus_of(course, name) for name in assignments}
                submit(course, {(item.student, name): item.notebook
                                for name, built in corpora.items() for item in built.submissions})
                seconds, _ = autograde(course, assignments, **options)
                scores[label] = {name: commands.cell_scores(course, name) for name in assignments}
                expected = {name: {item.student: item.expected for item in built.submissions}
                            for name, built in corpora.items()}
                results[label] = {"seconds": round(seconds, 1),
                                  "as_expected": scores[label] == expected}
                print(f"  whole corpus, {label}: {seconds:.0f} s", flush=True)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
    results["identical"] = scores["serial"] == scores["local cluster"] == scores["dask cluster"]
    results["submissions"] = sum(len(table) for table in scores["serial"].values())
    return results
