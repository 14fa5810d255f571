"""The student edition (`make publish`): what may be made public, and that it works on its own.

The edition is published once into an empty folder; the tests check its files, that the scan
finds nothing in it, that planted leaks stop publishing (nothing written), that its
pyproject.toml comes from this repository's, that its `make lab` runs what this repository's
does, and (slow) that it installs into a fresh virtual environment and runs notebook 01 in fast
mode there, with answers filled in, down to its self-check.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_grading import markers, publish
from course_grading.course import ROOT
from helpers import progress

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

TOP_LEVEL = {".binder", ".gitignore", "LICENSE", "Makefile", "README.md", "environment.yml",
             "helpers", "jupyter-config", "notebooks", "pyproject.toml"}


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """The student edition, published into an empty folder (notebooks/ is compared with
    solutions/ by tests/test_release.py, so the slow regeneration is skipped here)."""
    dest = tmp_path_factory.mktemp("published") / "cnn-course"
    return publish.publish(dest, check_release=False)


def files(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_the_edition_holds_the_student_files_only(edition: Path) -> None:
    expected_top = TOP_LEVEL if (ROOT / ".binder").is_dir() else TOP_LEVEL - {".binder"}
    assert {path.name for path in edition.iterdir()} == expected_top
    helpers = {f"helpers/{path.name}" for path in (ROOT / "helpers").glob("*.py")}
    releases = {path.relative_to(ROOT).as_posix() for path in (ROOT / "notebooks").rglob("*.ipynb")
                if ".ipynb_checkpoints" not in path.parts}
    found = files(edition)
    assert {name for name in found if name.startswith("helpers/")} == helpers
    assert {name for name in found if name.startswith("notebooks/")} == releases
    for name in releases:
        assert (edition / name).read_bytes() == (ROOT / name).read_bytes()
    readme = (edition / "README.md").read_text()
    assert readme == publish.student_readme(ROOT)
    badges = publish.badges(ROOT)
    if badges:
        assert readme.replace(f"\n{badges}\n", "", 1) == (
            ROOT / "student-edition/README.md").read_text()
    assert not [name for name in found if "instructor" in name or name.endswith(".db")]


def test_the_scan_finds_nothing_and_the_check_command_agrees(edition: Path, capsys) -> None:
    assert publish.scan(edition) == []
    assert publish.main(["check", str(edition)]) == 0
    assert capsys.readouterr().out.strip().endswith("clean")


def test_the_edition_installs_only_helpers_with_the_repositorys_dependencies(
        edition: Path) -> None:
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text())
    theirs = tomllib.loads((edition / "pyproject.toml").read_text())
    assert theirs["tool"]["setuptools"]["packages"] == ["helpers"]
    assert theirs["project"]["dependencies"] == [
        item for item in ours["project"]["dependencies"]
        if publish._package(item) not in publish.INSTRUCTOR_ONLY]
    extras = ours["project"].get("optional-dependencies", {})
    assert theirs["project"].get("optional-dependencies", {}) == {
        name: items for name, items in extras.items()
        if name not in publish.INSTRUCTOR_EXTRAS and items}
    assert theirs["project"].get("urls") == ours["project"].get("urls")
    text = (edition / "pyproject.toml").read_text() + (edition / "environment.yml").read_text()
    for package in ("nbgrader", "dask", "pytest", "nbval", "ruff"):
        assert package not in text


def test_make_lab_runs_the_same_commands_as_in_this_repository(edition: Path) -> None:
    def lab_commands(folder: Path) -> list[str]:
        printed = subprocess.run(["make", "--no-print-directory", "-n", "lab",
                                  "WORKSPACE=my-work"], cwd=folder, capture_output=True,
                                 text=True, check=True).stdout
        lines = printed.replace("\\\n", " ").splitlines()
        return [" ".join(line.replace(str(folder), "<course>").split()) for line in lines
                if "helpers.workspace" in line or "jupyter lab" in line]

    ours = lab_commands(ROOT)
    assert len(ours) == 2
    assert lab_commands(edition) == ours


def test_publishing_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "old-file.txt").write_text("x")
    with pytest.raises(publish.PublishError, match="not empty"):
        publish.publish(tmp_path, check_release=False)


def test_planted_leaks_stop_publishing_and_nothing_is_written(tmp_path: Path) -> None:
    course = tmp_path / "course"
    for name in ("helpers", "notebooks", "solutions", "student-edition", "jupyter-config"):
        shutil.copytree(ROOT / name, course / name,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    for name in ("LICENSE", "pyproject.toml"):
        shutil.copy(ROOT / name, course / name)
    secret, answers = publish.secrets(course)
    hidden = sorted(secret["hidden test"], key=len)[-1]
    (course / "helpers" / "shortcut.py").write_text(
        "def helper():\n" + "\n".join(f"    {line}" for line in answers[0]) + "\n")
    with open(course / "student-edition" / "README.md", "a", encoding="utf-8") as handle:
        handle.write("\n" + base64.b64encode(hidden.encode()).decode() + "\n")
    release = next((course / "notebooks").glob("*/*.ipynb"))
    notebook = nbformat.read(release, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(f"{markers.BEGIN_HIDDEN}\n{hidden}"))
    nbformat.write(notebook, release)
    dest = tmp_path / "public"
    with pytest.raises(publish.PublishError) as raised:
        publish.publish(dest, course=course, check_release=False)
    message = str(raised.value)
    assert "helpers/shortcut.py: an answer" in message
    assert f"README.md: hidden test line {hidden!r}" in message
    assert f"{release.relative_to(course).as_posix()}: nbgrader marker" in message
    assert not dest.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["course"]  # No scratch folder left.


def test_a_self_study_edition_adds_answers_and_still_no_hidden_test(tmp_path: Path) -> None:
    dest = publish.publish(tmp_path / "self-study", check_release=False, self_study=True)
    sources = sorted((ROOT / "solutions").glob("*/*.ipynb"))
    assert sorted(path.name for path in (dest / "answers").glob("*.ipynb")) == [
        path.name for path in sources]
    _, answers = publish.secrets(ROOT)
    texts = [(dest / "answers" / path.name).read_text() for path in sources]
    assert any(all(line in text for line in answers[0]) for text in texts)
    assert publish.scan(dest, self_study=True) == []
    assert any("answers/" in leak for leak in publish.scan(dest))  # A graded edition: refused.


@pytest.mark.slow
def test_the_edition_installs_and_runs_notebook_01_on_its_own(edition: Path, tmp_path: Path,
                                                               summary_lines) -> None:
    """A fresh virtual environment (layered on the edition's dependencies, cached between
    runs: tests/fresh_environments.py), the edition installed into it by pip each time, and
    notebook 01 with answers in fast mode."""
    import time

    import fresh_environments as fresh

    data = Path(os.environ.get("COURSE_DATA_DIR", ROOT.parent / "shared/data"))
    if not (data / "mnist.npz").is_file():
        pytest.skip("no mnist.npz: set COURSE_DATA_DIR to the folder holding it")
    base, extras = publish.student_dependencies(ROOT)
    wanted = base + extras.get("lab", [])
    cached, built = fresh.cached("student-edition",
                                 fresh.cache_key(wanted), lambda folder: fresh
                                 .create_virtual_environment(folder, wanted))
    environment = tmp_path / "venv"
    start = time.perf_counter()
    fresh.layered_environment(cached, environment)
    python = fresh.python_of(environment)
    fresh.run([str(python), "-m", "pip", "install", "--quiet", f"{edition}[lab]"],
              env=fresh.clean_environment(), cwd=tmp_path)
    installed = time.perf_counter() - start
    work = tmp_path / "work"
    work.mkdir()
    notebook = fresh.answered_release(edition / "notebooks/01-mnist-data/01-mnist-data.ipynb")
    notebook.cells.insert(0, nbformat.v4.new_code_cell("import helpers\nprint(helpers.__file__)"))
    path = work / "01-mnist-data.ipynb"
    nbformat.write(notebook, path)
    seconds = fresh.execute_notebook(python, path, work / "executed.ipynb",
                                     fresh.clean_environment(COURSE_MODE="fast",
                                                             COURSE_DATA_DIR=str(data)))
    executed = nbformat.read(work / "executed.ipynb", as_version=4)
    errors = [output for cell in executed.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors, errors[0]
    assert fresh.stderr_text(executed) == ""
    assert fresh.cell_text(executed.cells[0]).startswith(str(environment))
    release = nbformat.read(edition / "notebooks/01-mnist-data/01-mnist-data.ipynb",
                            as_version=4)
    total = sum(row.points for row in progress.rows_of(release) if not row.written)
    report = fresh.cell_text(executed.cells[-1])
    assert f"Visible tests passed: {total:g} of {total:g} points" in report, report
    assert "✗" not in report
    dependencies = f"built in {built:.0f} s" if built else "cached"
    summary_lines.append(f"student edition: installed in {installed:.0f} s (dependencies "
                         f"{dependencies}), notebook 01 in fast mode {seconds:.1f} s")
