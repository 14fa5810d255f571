"""Fresh Python environments for the install tests (test_hosted.py, test_binder.py).

Installing TensorFlow into a new virtual environment downloads and unpacks about 2 GB, minutes
on a CI machine. The tests therefore build each *starting point* once (a virtual environment
holding only what the test's scenario starts from, or a folder of downloaded wheels), keyed by a
hash of everything that goes into it, in a cache folder:

    $COURSE_TEST_ENV_CACHE, default ~/.cache/cnn-course/test-envs (or $XDG_CACHE_HOME/...)

Every test run then starts from a *fresh* virtual environment (``python -m venv``, pip only)
layered on the cached one: a ``.pth`` file puts the cached environment's site-packages after
its own, so the fresh environment sees exactly the cached packages as installed. pip installs
new packages into the fresh environment and cannot change the cached ones (it refuses to
uninstall outside the environment); a package it replaced would shadow the cached one, which the
tests detect. Creating and deleting it takes seconds, where copying 2 GB took minutes.

A changed requirement, environment file or Python version gives a new key, so the cache is never
stale; delete the folder to reclaim the space (about 5 GB). Keep it between CI runs to save the
downloads.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CACHE_VARIABLE = "COURSE_TEST_ENV_CACHE"
# Variables of the calling environment that must not reach a fresh environment: another
# environment's paths, the course's modes, pip settings, and hosted-runtime markers.
LEAKING_PREFIXES = ("PYTHON", "VIRTUAL_ENV", "CONDA", "COURSE_", "NBGRADER", "PIP_", "JUPYTER",
                    "KAGGLE_", "COLAB_", "MPLBACKEND")
# The course files a package build needs (the checkout's own package, as pip would build it).
PACKAGE_FILES = ("pyproject.toml", "README.md", "helpers", "course_grading")


def cache_folder() -> Path:
    value = os.environ.get(CACHE_VARIABLE, "").strip()
    if value:
        return Path(value).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(cache_home).expanduser() if cache_home else Path.home() / ".cache"
    return base / "cnn-course" / "test-envs"


def cache_key(*parts: object) -> str:
    """A short hash of the parts and of this interpreter (version and platform)."""
    text = json.dumps([sys.version, platform.machine(), sys.platform, *map(str, parts)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached(name: str, key: str, build: Callable[[Path], None]) -> tuple[Path, float | None]:
    """Return the cached folder ``name-key``, building it with ``build(folder)`` when missing.

    Also returns how long the build took (None when the folder came from the cache). A build
    happens in a scratch folder that is renamed when complete, so an interrupted build or a
    concurrent run never leaves a half-built folder behind under the final name.
    """
    target = cache_folder() / f"{name}-{key}"
    if (target / ".complete").is_file():
        return target, None
    scratch = target.with_name(f"{target.name}.building-{os.getpid()}")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        build(scratch)
        (scratch / ".complete").touch()
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    seconds = time.perf_counter() - start
    if (target / ".complete").is_file():  # Another run finished first.
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
    return target, seconds


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """Run a command; on failure raise an AssertionError that shows the end of its output."""
    result = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        raise AssertionError(f"`{' '.join(map(str, command))}` failed with exit status "
                             f"{result.returncode}:\n" + "\n".join(output[-40:]))
    return result


def python_of(environment: Path) -> Path:
    folder = "Scripts" if sys.platform == "win32" else "bin"
    return environment / folder / ("python.exe" if sys.platform == "win32" else "python")


def create_virtual_environment(folder: Path, requirements: Iterable[str], cwd: Path | None = None,
                               python: str = sys.executable) -> None:
    """A new virtual environment at ``folder`` with ``requirements`` installed by pip."""
    run([python, "-m", "venv", str(folder)])
    run([str(python_of(folder)), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        env=clean_environment(), cwd=cwd)
    requirements = list(requirements)
    if requirements:
        run([str(python_of(folder)), "-m", "pip", "install", "--quiet", *requirements],
            env=clean_environment(), cwd=cwd)


SITE_PACKAGES = ("import json, sysconfig; paths = sysconfig.get_paths(); "
                 "print(json.dumps(sorted({paths['purelib'], paths['platlib']})))")
LAYER_FILE = "zz-course-test-base-environment.pth"


def site_packages(python: Path) -> list[str]:
    return json.loads(run([str(python), "-c", SITE_PACKAGES], env=clean_environment()).stdout)


def layered_environment(base: Path, target: Path) -> None:
    """A fresh virtual environment at ``target`` that sees ``base``'s packages after its own."""
    run([sys.executable, "-m", "venv", str(target)], env=clean_environment())
    own = site_packages(python_of(target))
    Path(own[0], LAYER_FILE).write_text("\n".join(site_packages(python_of(base))) + "\n")


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def clean_environment(**extra: str) -> dict[str, str]:
    """os.environ without anything that would tie a process to another environment, plus
    ``extra``. The course's own virtual environment is taken off PATH."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(LEAKING_PREFIXES)}
    own_scripts = str(Path(sys.executable).parent)
    environment["PATH"] = os.pathsep.join(
        part for part in os.environ.get("PATH", "").split(os.pathsep) if part != own_scripts
    )
    environment["PYTHONNOUSERSITE"] = "1"
    environment.update(extra)
    return environment


def copy_package_source(target: Path) -> Path:
    """Copy the files a build of this checkout's package needs (working tree, uncommitted
    changes included) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    return target


def build_course_wheel(folder: Path) -> Path:
    """Build the course's wheel from a copy of this checkout, as pip builds it from git."""
    source = copy_package_source(folder / "source")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(folder / "dist"), str(source)], env=clean_environment())
    wheels = sorted((folder / "dist").glob("cnn_course-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


RUN_NOTEBOOK = """
import json, sys, time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

path, executed = Path(sys.argv[1]), Path(sys.argv[2])
# The kernel must be this environment's Python ("python" is replaced by sys.executable).
argv = KernelSpecManager().get_kernel_spec("python3").argv
assert argv[0] in ("python", "python3", sys.executable), argv
notebook = nbformat.read(path, as_version=4)
start = time.perf_counter()
client = NotebookClient(notebook, timeout=900, kernel_name="python3",
                        resources={"metadata": {"path": str(path.parent)}})
try:
    client.execute()
finally:
    nbformat.write(notebook, executed)
print(json.dumps({"seconds": time.perf_counter() - start, "kernel": argv[0]}))
"""


def execute_notebook(python: Path, notebook: Path, executed: Path,
                     environment: dict[str, str]) -> float:
    """Execute ``notebook`` in a kernel of ``python``'s environment (nbclient, in that
    environment); write the executed copy to ``executed`` and return the seconds it took."""
    result = run([str(python), "-c", RUN_NOTEBOOK, str(notebook), str(executed)],
                 env=environment, cwd=notebook.parent)
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def cell_text(cell) -> str:
    """Everything a code cell printed or displayed as text."""
    pieces = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            pieces.append(output.get("text", ""))
        elif output.get("output_type") in ("display_data", "execute_result"):
            pieces.append(output.get("data", {}).get("text/plain", ""))
        elif output.get("output_type") == "error":
            pieces.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "".join(pieces)


def stderr_text(notebook) -> str:
    return "".join(output.get("text", "") for cell in notebook.cells
                   for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stderr")


def answered_release(path: Path) -> nbformat.NotebookNode:
    """The release notebook as a learner who answered every exercise has it: each answer cell
    holds the source's answer (the solution markers removed); everything else, the install cell
    and the test cells (without hidden tests) included, is the release as published."""
    notebook = nbformat.read(path, as_version=4)
    source = nbformat.read(ROOT / "solutions" / path.parent.name / path.name,
                           as_version=4)
    answers = {cell.get("id"): cell.source for cell in source.cells
               if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")}
    answered = 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("id") in answers:
            cell.source = "\n".join(line for line in answers[cell.id].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION",
                                                            "### END SOLUTION"))
            answered += 1
    assert answered, f"{path} has no answer cells to fill in"
    return notebook
