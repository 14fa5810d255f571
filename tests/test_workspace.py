"""The student's own copy of the notebooks (helpers.workspace, run by `make lab`).

A scratch release and workspace: the first run copies every notebook; a course update replaces
a notebook the student has not started (autosave and run cells do not count) and puts the new
version beside one they started, with a note naming the changed sections; nothing is ever
written into the release.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import nbformat
import pytest

from helpers import workspace

TODAY = date(2026, 3, 2)


def write_release(folder: Path, name: str, exercise_text: str = "Write `double(x)`.") -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# {name[:2]} · A title for {name}"),
                      nbformat.v4.new_markdown_cell("## 1. Doubling\n\n### Exercise 1: double "
                                                    f"(2 points)\n\n{exercise_text}"),
                      nbformat.v4.new_code_cell("def double(x):\n    raise NotImplementedError()"),
                      nbformat.v4.new_markdown_cell("## 2. Tripling"),
                      nbformat.v4.new_code_cell("def triple(x):\n    raise NotImplementedError()")]
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"
    path = folder / name / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path]:
    release = tmp_path / "notebooks"
    for name in ("01-first", "02-second"):
        write_release(release, name)
    return release, tmp_path / "my-work"


def answer(path: Path) -> None:
    """What a student does: type an answer, run the cell, save (JupyterLab adds metadata)."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[2].source = "def double(x):\n    return 2 * x"
    notebook.cells[2].outputs = []
    notebook.cells[2].execution_count = 1
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nbformat.write(notebook, path)


def autosave_only(path: Path) -> None:
    """JupyterLab's autosave of an untouched notebook, after running a cell."""
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    notebook.cells[2].execution_count = 3
    nbformat.write(notebook, path)


def test_the_first_run_copies_every_notebook_and_writes_the_start_page(course) -> None:
    release, mine = course
    before = digest(release)
    done = workspace.prepare(release, mine, TODAY)
    assert done.copied == ["01-first/01-first.ipynb", "02-second/02-second.ipynb"]
    assert (mine / "01-first/01-first.ipynb").read_bytes() == (
        release / "01-first/01-first.ipynb").read_bytes()
    page = (mine / workspace.START_PAGE).read_text()
    assert "- [01 · A title for 01-first](01-first/01-first.ipynb)" in page
    assert "## Course updates" not in page
    assert digest(release) == before


def test_a_second_run_without_changes_changes_nothing(course) -> None:
    release, mine = course
    workspace.prepare(release, mine, TODAY)
    answer(mine / "01-first/01-first.ipynb")
    before = digest(mine)
    done = workspace.prepare(release, mine, TODAY)
    assert (done.copied, done.refreshed, done.updates) == ([], [], [])
    assert digest(mine) == before


def test_an_update_replaces_a_notebook_the_student_has_not_started(course) -> None:
    release, mine = course
    workspace.prepare(release, mine, TODAY)
    autosave_only(mine / "02-second/02-second.ipynb")
    write_release(release, "02-second", exercise_text="Write `double(x)`, for any number.")
    done = workspace.prepare(release, mine, TODAY)
    assert done.refreshed == ["02-second/02-second.ipynb"]
    assert done.updates == []
    assert (mine / "02-second/02-second.ipynb").read_bytes() == (
        release / "02-second/02-second.ipynb").read_bytes()


def test_an_update_of_a_started_notebook_arrives_beside_it_with_a_note(course) -> None:
    release, mine = course
    workspace.prepare(release, mine, TODAY)
    started = mine / "01-first/01-first.ipynb"
    answer(started)
    kept = started.read_bytes()
    write_release(release, "01-first", exercise_text="Write `double(x)`, for any number.")
    done = workspace.prepare(release, mine, TODAY)
    assert started.read_bytes() == kept
    assert [(update.notebook, update.update_file, update.sections) for update in done.updates] \
        == [("01-first/01-first.ipynb", "01-first/01-first.update-2026-03-02.ipynb",
             ["Exercise 1: double (2 points)"])]
    assert (mine / done.updates[0].update_file).read_bytes() == (
        release / "01-first/01-first.ipynb").read_bytes()
    page = (mine / workspace.START_PAGE).read_text()
    assert ("- **01-first/01-first.ipynb** changed since you started it, in: Exercise 1: "
            "double (2 points). Your notebook is as you left it") in page
    message = workspace.describe(done, mine)
    assert "COURSE UPDATE: 01-first/01-first.ipynb changed since you started it" in message
    # The next run reminds, without a second copy; once the student removed the new version,
    # the note goes away.
    again = workspace.prepare(release, mine, date(2026, 3, 9))
    assert [update.update_file for update in again.updates] == [done.updates[0].update_file]
    assert sorted(path.name for path in started.parent.glob("*.ipynb")) == [
        "01-first.ipynb", "01-first.update-2026-03-02.ipynb"]
    (mine / done.updates[0].update_file).unlink()
    assert workspace.prepare(release, mine, date(2026, 3, 9)).updates == []
    assert started.read_bytes() == kept


def test_a_deleted_copy_comes_back_and_a_removed_notebook_stays(course) -> None:
    release, mine = course
    workspace.prepare(release, mine, TODAY)
    (mine / "02-second/02-second.ipynb").unlink()
    answer(mine / "01-first/01-first.ipynb")
    shutil.rmtree(release / "01-first")
    done = workspace.prepare(release, mine, TODAY)
    assert done.copied == ["02-second/02-second.ipynb"]
    assert done.retired == ["01-first/01-first.ipynb"]
    assert (mine / "01-first/01-first.ipynb").exists()


def test_a_notebook_of_unknown_origin_is_never_overwritten(course) -> None:
    release, mine = course
    workspace.prepare(release, mine, TODAY)
    (mine / workspace.MANIFEST).unlink()
    answer(mine / "01-first/01-first.ipynb")
    kept = (mine / "01-first/01-first.ipynb").read_bytes()
    done = workspace.prepare(release, mine, TODAY)
    assert (mine / "01-first/01-first.ipynb").read_bytes() == kept
    assert [update.notebook for update in done.updates] == ["01-first/01-first.ipynb"]
    manifest = json.loads((mine / workspace.MANIFEST).read_text())
    assert "02-second/02-second.ipynb" in manifest["notebooks"]


def test_the_command_line_reports_and_fails_clearly(tmp_path: Path, capsys) -> None:
    assert workspace.main(["--release", str(tmp_path / "missing"),
                           "--workspace", str(tmp_path / "w")]) == 1
    assert "does not exist" in capsys.readouterr().err
