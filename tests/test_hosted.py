"""Colab and Kaggle: the release notebooks install the course there, once, and keep TensorFlow.

The quick tests check the cells ``make release`` adds (badges on top, the install cell first) and
how the install cell decides. The end-to-end test does what a learner's first session on Colab or
Kaggle does, as far as this machine allows:

* a fresh virtual environment holding only the full ``tensorflow`` distribution (not ``-cpu``,
  as on Colab and Kaggle), ``ipykernel`` and ``nbclient`` (layered on a cached one, see
  tests/fresh_environments.py);
* one release notebook copied alone into an empty folder (no checkout, no ``helpers`` beside it),
  its exercises answered (each answer cell filled in from the source, so that every cell runs);
* the runtime detected through the variable Colab sets (``COLAB_RELEASE_TAG``) for notebook 01 and
  the one Kaggle sets (``KAGGLE_KERNEL_RUN_TYPE``) for notebook 04, in the same environment, so
  the second notebook finds the course installed (once per session);
* the install source pointed at this checkout (a wheel built from the working tree, given through
  ``COURSE_PACKAGE_SOURCE``) and pip offline, with the course's dependencies from a cached wheel
  folder instead of PyPI;
* both notebooks run in fast mode; afterwards TensorFlow and every distribution it depends on are
  the same files at the same versions, and no ``tensorflow-cpu`` appeared.

The starting environment and the wheel folder are cached (see tests/fresh_environments.py); the
summary at the end of the run says how long each step took.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from fresh_environments import (
    ROOT,
    answered_release,
    build_course_wheel,
    cache_key,
    cached,
    cell_text,
    clean_environment,
    create_virtual_environment,
    execute_notebook,
    layered_environment,
    python_of,
    remove,
    run,
    stderr_text,
)

from course_grading import hosted
from course_grading import release as release_tool

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

RELEASE_NOTEBOOKS = sorted(release_tool.RELEASE_DIR.glob("*/*.ipynb"))
# What Colab and Kaggle start from, as far as the course is concerned.
RUNTIME_REQUIREMENTS = ("tensorflow>=2.16,<3", "ipykernel", "nbclient")
HOSTED_RUNS = (("01", {"COLAB_RELEASE_TAG": "test"}),
               ("04", {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}))


def release_notebook(prefix: str) -> Path:
    matches = [path for path in RELEASE_NOTEBOOKS if path.parent.name.startswith(prefix + "-")]
    assert len(matches) == 1, f"no single release notebook {prefix}-*: {matches}"
    return matches[0]


# ---------------------------------------------------------------------------------------------
# The cells make release adds.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", RELEASE_NOTEBOOKS, ids=lambda path: path.parent.name)
def test_release_notebook_opens_with_badges_and_the_install_cell(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assignment = path.parent.name
    where = hosted.repository()
    badges = notebook.cells[0]
    assert badges.id == hosted.BADGES_CELL_ID and badges.cell_type == "markdown"
    assert badges.source == hosted.badges_markdown(assignment)
    assert f"({where.colab_url(assignment)})" in badges.source
    assert f"({where.kaggle_url(assignment)})" in badges.source
    assert f"/{assignment}/{assignment}.ipynb" in where.colab_url(assignment)
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert first_code.id == hosted.SETUP_CELL_ID, "make release: the install cell comes first"
    assert first_code.source == hosted.setup_cell_source()
    assert where.pip_source() in first_code.source
    assert not first_code.get("outputs")
    # Exactly one of each.
    ids = [cell.get("id") for cell in notebook.cells]
    assert ids.count(hosted.BADGES_CELL_ID) == ids.count(hosted.SETUP_CELL_ID) == 1


def test_adding_the_hosted_cells_twice_changes_nothing() -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 01 · Title"),
        nbformat.v4.new_markdown_cell("## Setup"),
        nbformat.v4.new_code_cell("from helpers import settings"),
    ])
    once = hosted.add_hosted_setup(notebook, "01-mnist-data")
    once_json = nbformat.writes(once)
    twice = hosted.add_hosted_setup(nbformat.reads(once_json, as_version=4), "01-mnist-data")
    assert nbformat.writes(twice) == once_json
    assert [cell.get("id") for cell in once.cells[:1]] == [hosted.BADGES_CELL_ID]
    assert [cell.source for cell in once.cells[1:3]] == ["# 01 · Title", "## Setup"]
    assert once.cells[3].id == hosted.SETUP_CELL_ID
    assert once.cells[4].source == "from helpers import settings"
    nbformat.validate(once)


def test_repository_address_lives_in_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    url = project["project"]["urls"]["Repository"]
    where = hosted.repository()
    assert where.url == url
    assert where.pip_source() == f"cnn-course @ git+{url}@{where.branch}"
    # No second copy of the address anywhere in the hand-written Python.
    for path in [*ROOT.glob("helpers/*.py"), *ROOT.glob("course_grading/*.py")]:
        assert url not in path.read_text(encoding="utf-8"), f"{path} repeats the address"


def test_a_repository_address_that_is_not_github_is_refused(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "cnn-course"\nversion = "0.1.0"\n'
                         '[project.urls]\nRepository = "https://example.org/course"\n')
    with pytest.raises(ValueError, match="GitHub"):
        hosted.repository(pyproject)


def test_readme_shows_the_colab_kaggle_and_binder_badges() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    expected = hosted.readme_badges()
    assert expected in readme, (
        "README.md's badge line differs from pyproject.toml's repository; replace it with the "
        f"output of `python -m course_grading.hosted readme`:\n{expected}"
    )


def test_readme_names_no_other_repository() -> None:
    """Every GitHub address and pip source in the README is the one in pyproject.toml."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    where = hosted.repository()
    mentioned = set(re.findall(r"github(?:\.com)?/([\w.-]+/[\w.-]+?)(?:/|@|\.git|\)|\s|$)",
                               readme))
    mentioned -= {"conda-forge/miniforge"}
    assert mentioned == {where.owner_and_name}, mentioned
    for source in re.findall(r"git\+(https://\S+?)@", readme):
        assert source == where.url, source


def run_install_cell(source: str, **variables: str) -> subprocess.CompletedProcess:
    """Run the install cell's code in this environment's Python (not in a kernel)."""
    environment = clean_environment(**variables)
    return subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          env=environment, timeout=120, check=False)


def test_install_cell_does_nothing_on_a_local_checkout() -> None:
    # The source points at nothing: if the cell ran pip, it would fail.
    result = run_install_cell(hosted.setup_cell_source(),
                              COURSE_PACKAGE_SOURCE=os.devnull + "-no-such-wheel.whl")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


@pytest.mark.parametrize("variable", ["COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE"])
def test_install_cell_skips_a_course_already_installed(variable: str) -> None:
    """Once per session: with this version installed (here, by make), pip is not run."""
    result = run_install_cell(hosted.setup_cell_source(), **{variable: "test"},
                              COURSE_PACKAGE_SOURCE=os.devnull + "-no-such-wheel.whl")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("variable", ["COLAB_RELEASE_TAG", "KAGGLE_KERNEL_RUN_TYPE"])
def test_install_cell_installs_on_a_hosted_runtime_and_explains_a_failure(variable: str) -> None:
    """Detected as hosted with another version installed, the cell runs pip on the source, with
    TensorFlow pinned; pip fails here (the source does not exist) and the cell says what to do."""
    source = hosted.setup_cell_source()
    other_version = re.sub(r'COURSE_VERSION = "[^"]+"', 'COURSE_VERSION = "0.0.0-other"', source)
    assert other_version != source
    result = run_install_cell(other_version, **{variable: "test"},
                              COURSE_PACKAGE_SOURCE=os.devnull + "-no-such-wheel.whl")
    assert result.returncode != 0
    assert "Installing the course package" in result.stdout
    assert "Installing the course failed (pip exit status" in result.stderr
    assert "no-such-wheel" in result.stderr and "Kaggle, turn on Internet" in result.stderr


# ---------------------------------------------------------------------------------------------
# End to end: a fresh runtime with the full TensorFlow, one notebook alone in a folder.
# ---------------------------------------------------------------------------------------------

SNAPSHOT = r"""
import hashlib, json, re
from importlib import metadata
from pathlib import Path

def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()

# metadata.distribution(name) finds what `import` would use: the first on sys.path.
closure, pending = {}, ["tensorflow", "tensorflow-cpu"]
while pending:
    name = canonical(pending.pop())
    if name in closure:
        continue
    try:
        distribution = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        continue
    info = Path(getattr(distribution, "_path", ""))
    record = distribution.read_text("RECORD") or ""
    closure[name] = [distribution.version, str(info), info.stat().st_ino,
                     hashlib.sha256(record.encode()).hexdigest()]
    pending += [re.match(r"[A-Za-z0-9._-]+", line).group(0) for line in distribution.requires or []
                if not re.search(r"extra\s*==", line)]
installed = sorted({canonical(d.metadata["Name"]) for d in metadata.distributions()})
print(json.dumps({"closure": closure, "installed": installed}))
"""


def snapshot(python: Path) -> dict:
    """TensorFlow and every distribution it needs: version, dist-info folder and RECORD hash."""
    # From an empty folder: a checkout in the working folder would show its own metadata.
    result = run([str(python), "-c", SNAPSHOT], env=clean_environment(), cwd=python.parent)
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def hosted_session(tmp_path_factory, summary_lines) -> dict:
    """Run notebooks 01 and 04 as a learner on Colab, then Kaggle, would (see the docstring)."""
    if sys.platform == "win32":  # pragma: no cover
        pytest.skip("the hosted-runtime test builds POSIX virtual environments")
    scratch = tmp_path_factory.mktemp("hosted")
    timings: dict[str, float] = {}
    runtime, seconds = cached("hosted-runtime", cache_key(*RUNTIME_REQUIREMENTS),
                              lambda folder: create_virtual_environment(folder,
                                                                        RUNTIME_REQUIREMENTS))
    if seconds is not None:
        timings["starting environment built (cached from now on)"] = seconds
    base = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]

    def download_wheels(folder: Path) -> None:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(folder), *base],
            env=clean_environment())

    wheels, seconds = cached("hosted-wheels", cache_key(*base), download_wheels)
    if seconds is not None:
        timings["dependency wheels downloaded (cached from now on)"] = seconds

    start = time.perf_counter()
    course_wheel = build_course_wheel(scratch / "build")
    timings["course wheel built from the checkout"] = time.perf_counter() - start
    environment = scratch / "runtime"
    start = time.perf_counter()
    layered_environment(runtime, environment)
    timings["fresh environment layered on the starting one"] = time.perf_counter() - start
    python = python_of(environment)
    try:
        before = snapshot(python)
        executed = {}
        for prefix, detection in HOSTED_RUNS:
            source = release_notebook(prefix)
            folder = scratch / f"session-{prefix}"
            folder.mkdir()
            copied = folder / source.name
            nbformat.write(answered_release(source), copied)
            variables = clean_environment(
                COURSE_MODE="fast",
                COURSE_MODELS_DIR=str(scratch / "models"),
                COURSE_PACKAGE_SOURCE=str(course_wheel),
                PIP_NO_INDEX="1",
                PIP_FIND_LINKS=str(wheels),
                MPLCONFIGDIR=str(scratch / "matplotlib"),
                **detection,
            )
            if os.environ.get("COURSE_DATA_DIR"):
                variables["COURSE_DATA_DIR"] = os.environ["COURSE_DATA_DIR"]
            variables["PATH"] = str(python.parent) + os.pathsep + variables["PATH"]
            output = scratch / f"executed-{prefix}.ipynb"
            timings[f"notebook {prefix} ({', '.join(detection)})"] = execute_notebook(
                python, copied, output, variables)
            executed[prefix] = nbformat.read(output, as_version=4)
            assert sorted(path.name for path in folder.iterdir()
                          if not path.name.startswith(".")) == [source.name], (
                "the notebook wrote files next to itself")
        after = snapshot(python)
        helpers_file = run([str(python), "-c", "import helpers; print(helpers.__file__)"],
                           env=clean_environment(), cwd=scratch).stdout.strip()
    finally:
        start = time.perf_counter()
        remove(environment)
        timings["removing the fresh environment"] = time.perf_counter() - start
    for step, seconds in timings.items():
        summary_lines.append(f"hosted runtime test: {step}: {seconds:.1f} s")
    return {"before": before, "after": after, "executed": executed, "helpers": helpers_file,
            "environment": str(environment)}


@pytest.mark.slow
def test_the_runtime_starts_with_the_full_tensorflow_and_no_course(hosted_session) -> None:
    before = hosted_session["before"]
    assert "tensorflow" in before["closure"] and "tensorflow-cpu" not in before["installed"]
    assert "cnn-course" not in before["installed"]
    assert "matplotlib" not in before["installed"], "the starting environment has too much"


@pytest.mark.slow
def test_tensorflow_and_what_it_uses_are_unchanged(hosted_session) -> None:
    before, after = hosted_session["before"], hosted_session["after"]
    assert len(before["closure"]) > 10, before["closure"]
    changed = {name: (state, after["closure"].get(name))
               for name, state in before["closure"].items() if after["closure"].get(name) != state}
    assert not changed, changed
    assert "tensorflow-cpu" not in after["installed"]
    assert "cnn-course" in after["installed"]


@pytest.mark.slow
def test_the_course_is_installed_once_and_quietly(hosted_session) -> None:
    first, second = (hosted_session["executed"][prefix] for prefix, _ in HOSTED_RUNS)
    for notebook in (first, second):
        assert next(cell for cell in notebook.cells if cell.cell_type == "code").id == \
            hosted.SETUP_CELL_ID
    install_output = cell_text(next(cell for cell in first.cells
                                    if cell.get("id") == hosted.SETUP_CELL_ID))
    lines = install_output.strip().splitlines()
    assert lines[0] == "Installing the course package (once per session, about a minute)..."
    assert re.fullmatch(r"Installed cnn-course \S+; TensorFlow \S+ kept\.", lines[1]), lines
    assert len(lines) == 2, lines
    again = next(cell for cell in second.cells if cell.get("id") == hosted.SETUP_CELL_ID)
    assert cell_text(again) == "", "the second notebook of the session installed again"


@pytest.mark.slow
def test_the_notebooks_ran_in_fast_mode_from_the_installed_package(hosted_session) -> None:
    for prefix, notebook in hosted_session["executed"].items():
        everything = "".join(cell_text(cell) for cell in notebook.cells)
        assert "Fast mode" in everything, prefix
        errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
                  if output.get("output_type") == "error"]
        assert not errors, (prefix, errors)
        assert "Traceback" not in stderr_text(notebook), (prefix, stderr_text(notebook)[-2000:])
    assert hosted_session["helpers"].startswith(hosted_session["environment"]), (
        f"helpers came from {hosted_session['helpers']}, not from the installed package")
