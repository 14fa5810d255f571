"""Binder: the steps repo2docker takes with .binder/, in its order, give a working course.

repo2docker (what mybinder.org runs) builds the image in this order, with the conda buildpack:

1. it copies ``.binder/environment.yml`` *alone* into the image and installs it (Python at the
   ``python=X.Y`` pinned there, then the ``pip:`` list, from a folder without the repository);
2. it copies the repository in;
3. it runs ``.binder/postBuild`` from the repository's folder, with the environment's ``bin``
   first on PATH.

conda and Docker are not available on this machine, so the test emulates those steps
faithfully with a virtual environment of the pinned Python: step 1 installs the environment
file's pip list with pip in an empty folder holding nothing but a copy of environment.yml (the
environment is cached by the file's content, see tests/fresh_environments.py, and copied fresh
for each run); step 2 copies every file git knows of (committed or not, ignored files left out);
step 3 runs postBuild with bash. The course then works: pip finds no broken requirement, the
course's package is the installed one, JupyterLab starts, and release notebook 01 (answered)
runs in fast mode from its place in the repository, as a learner on Binder runs it.

What this cannot show: conda's own solve of the python pin and repo2docker's base image (its
JupyterLab, ipykernel); the README says how to check a real Binder launch.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml
from fresh_environments import (
    ROOT,
    answered_release,
    cache_key,
    cached,
    clean_environment,
    execute_notebook,
    layered_environment,
    python_of,
    remove,
    run,
)

BINDER = ROOT / ".binder"
NOTEBOOK = "01-mnist-data"


def pinned_python() -> str:
    """The interpreter for the Python version .binder/environment.yml pins, or skip."""
    environment = yaml.safe_load((BINDER / "environment.yml").read_text())
    pin = next(entry for entry in environment["dependencies"]
               if isinstance(entry, str) and re.fullmatch(r"python=3\.\d+", entry))
    version = pin.split("=")[1]
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if not found:
        pytest.skip(f".binder/environment.yml pins Python {version}, not found here")
    return found


def install_binder_environment(folder: Path, python: str) -> None:
    """Step 1: what repo2docker installs before the repository is in the image."""
    staging = folder.with_name(folder.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        shutil.copy2(BINDER / "environment.yml", staging / "environment.yml")
        environment = yaml.safe_load((staging / "environment.yml").read_text())
        pip_list = next(entry["pip"] for entry in environment["dependencies"]
                        if isinstance(entry, dict))
        run([python, "-m", "venv", str(folder)])
        run([str(python_of(folder)), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
            env=clean_environment(), cwd=staging)
        run([str(python_of(folder)), "-m", "pip", "install", "--quiet", *pip_list],
            env=clean_environment(), cwd=staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def repository_files() -> list[str]:
    """Every file git knows of (tracked or new), without ignored ones: what a clone would have
    once this work is committed."""
    result = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                 cwd=ROOT)
    return [name for name in result.stdout.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def binder_image(tmp_path_factory, summary_lines) -> dict:
    if sys.platform == "win32" or shutil.which("bash") is None or shutil.which("git") is None:
        pytest.skip("the Binder steps need bash and git (as repo2docker's Linux image has)")
    python = pinned_python()
    scratch = tmp_path_factory.mktemp("binder")
    timings: dict[str, float] = {}
    key = cache_key((BINDER / "environment.yml").read_text(encoding="utf-8"), python)
    environment_cache, seconds = cached(
        "binder-environment", key, lambda folder: install_binder_environment(folder, python))
    if seconds is not None:
        timings["step 1, environment.yml installed (cached from now on)"] = seconds
    environment = scratch / "srv-conda-envs-notebook"
    start = time.perf_counter()
    layered_environment(environment_cache, environment)
    timings["fresh environment layered on the step-1 one"] = time.perf_counter() - start
    python_path = python_of(environment)
    home = scratch / "home-jovyan"
    try:
        start = time.perf_counter()
        for name in repository_files():
            target = home / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        timings["step 2, repository copied in"] = time.perf_counter() - start
        binder_variables = clean_environment(
            PATH=str(python_path.parent) + os.pathsep + clean_environment()["PATH"],
            HOME=str(home))
        start = time.perf_counter()
        post_build = run(["bash", str(home / ".binder" / "postBuild")], cwd=home,
                         env=binder_variables)
        timings["step 3, postBuild"] = time.perf_counter() - start
        pip_check = subprocess.run([str(python_path), "-m", "pip", "check"], capture_output=True,
                                   text=True, env=binder_variables, cwd=scratch, check=False)
        helpers_file = run([str(python_path), "-c", "import helpers; print(helpers.__file__)"],
                           cwd=scratch, env=binder_variables).stdout.strip()
        lab_version = run([str(python_path), "-m", "jupyterlab", "--version"],
                          env=binder_variables, cwd=scratch).stdout.strip()
        release = home / "notebooks" / NOTEBOOK / f"{NOTEBOOK}.ipynb"
        answered = release.with_name("answered.ipynb")
        nbformat.write(answered_release(ROOT / "notebooks" / NOTEBOOK / f"{NOTEBOOK}.ipynb"),
                       answered)
        notebook_variables = dict(binder_variables, COURSE_MODE="fast",
                                  COURSE_MODELS_DIR=str(scratch / "models"),
                                  MPLCONFIGDIR=str(scratch / "matplotlib"))
        if os.environ.get("COURSE_DATA_DIR"):
            notebook_variables["COURSE_DATA_DIR"] = os.environ["COURSE_DATA_DIR"]
        executed_path = scratch / "executed.ipynb"
        timings[f"notebook {NOTEBOOK} in fast mode"] = execute_notebook(
            python_path, answered, executed_path, notebook_variables)
        executed = nbformat.read(executed_path, as_version=4)
    finally:
        start = time.perf_counter()
        remove(environment)
        remove(home)
        timings["removing the fresh environment and copy"] = time.perf_counter() - start
    for step, seconds in timings.items():
        summary_lines.append(f"Binder steps test: {step}: {seconds:.1f} s")
    return {"post_build": post_build, "pip_check": pip_check, "helpers": helpers_file,
            "environment": str(environment), "lab_version": lab_version, "executed": executed}


@pytest.mark.slow
def test_post_build_installs_the_course_into_a_consistent_environment(binder_image) -> None:
    assert binder_image["pip_check"].returncode == 0, binder_image["pip_check"].stdout
    assert binder_image["helpers"].startswith(binder_image["environment"]), binder_image["helpers"]


@pytest.mark.slow
def test_jupyterlab_is_there(binder_image) -> None:
    assert re.fullmatch(r"4\.\d+\.\d+\S*", binder_image["lab_version"]), binder_image["lab_version"]


@pytest.mark.slow
def test_notebook_01_runs_in_fast_mode_where_binder_opens_it(binder_image) -> None:
    executed = binder_image["executed"]
    outputs = [output for cell in executed.cells for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.get("output_type") == "error"]
    text = "".join(output.get("text", "") for output in outputs
                   if output.get("output_type") == "stream")
    assert "Fast mode" in text
    # The install cell for Colab and Kaggle stays silent on Binder.
    setup = next(cell for cell in executed.cells if cell.cell_type == "code")
    assert setup.get("id") == "hosted-setup" and not setup.get("outputs")
