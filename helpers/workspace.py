"""The student's own copy of the notebooks, made and kept up to date by ``make lab``.

Used by ``make lab`` (no notebook uses it)::

    python -m helpers.workspace [--release notebooks] [--workspace my-work]

The release (``notebooks/``) belongs to the course: it is tracked by git and replaced by course
updates. Students work in ``my-work/`` (ignored by git), which this module creates on the
first ``make lab`` and never overwrites:

* a release notebook the student does not have yet is copied in;
* when the course changes a notebook the student has not started (no cell edited since it
  was copied; running cells or JupyterLab's autosave do not count), the copy is replaced by the
  new version;
* when the course changes a notebook the student has started, their notebook stays as it is
  and the new version is put beside it as ``<name>.update-<date>.ipynb``, with a note on the
  start page and in the terminal saying which sections changed.

``my-work/.course/release.json`` remembers, for each notebook, what the release looked like
when it was copied. ``my-work/START-HERE.md`` (rewritten each time, the first page JupyterLab
opens) lists the notebooks, the updates, how to check your work and how to submit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

MANIFEST = Path(".course") / "release.json"
START_PAGE = "START-HERE.md"
HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*$", re.MULTILINE)


def _cells(notebook: dict) -> list[dict]:
    return list(notebook.get("cells", []))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return ("".join(source) if isinstance(source, list) else str(source)).strip()


def cell_fingerprints(notebook: dict) -> list[list[str]]:
    """Return [cell id, cell type, digest of the source] per cell: what a student edits."""
    return [[str(cell.get("id", index)), str(cell.get("cell_type", "")),
             hashlib.sha256(_source(cell).encode("utf-8")).hexdigest()[:16]]
            for index, cell in enumerate(_cells(notebook))]


def fingerprint(notebook: dict) -> str:
    """Return one digest of every cell's type and source (outputs and metadata ignored)."""
    text = json.dumps([cell[1:] for cell in cell_fingerprints(notebook)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_notebook(path: Path) -> dict | None:
    """Return a notebook's JSON, or None when it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def title_of(notebook: dict, default: str) -> str:
    """Return the notebook's first H1 heading, or ``default``."""
    for cell in _cells(notebook):
        if cell.get("cell_type") == "markdown":
            found = re.search(r"^#\s+(.+?)\s*$", _source(cell), re.MULTILINE)
            if found:
                return found.group(1)
    return default


def changed_sections(old: list[list[str]], new: dict) -> list[str]:
    """Return the headings of the sections (``##``/``###``) whose cells changed or are new."""
    before = {cell_id: digest for cell_id, _, digest in old}
    sections: list[str] = []
    section = "the beginning"
    for cell_id, cell in zip([item[0] for item in cell_fingerprints(new)], _cells(new),
                             strict=True):
        if cell.get("cell_type") == "markdown":
            headings = [text for level, text in HEADING.findall(_source(cell)) if len(level) > 1]
            if headings:
                section = headings[-1]
        digest = hashlib.sha256(_source(cell).encode("utf-8")).hexdigest()[:16]
        if before.get(cell_id) != digest and section not in sections:
            sections.append(section)
    removed = set(before) - {item[0] for item in cell_fingerprints(new)}
    if removed and not sections:
        sections.append("cells removed")
    return sections


@dataclass
class Update:
    """A course update of a notebook the student had started."""

    notebook: str
    update_file: str
    sections: list[str]


@dataclass
class Prepared:
    """What ``prepare`` did."""

    copied: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)


def _load_manifest(workspace: Path) -> dict:
    data = read_notebook(workspace / MANIFEST)
    return data if isinstance(data, dict) else {}


def prepare(release: Path, workspace: Path, today: date | None = None) -> Prepared:
    """Create or update the student's workspace from the release (see the module docstring).

    Never changes a notebook the student edited, and never writes into ``release``.
    """
    release, workspace = Path(release), Path(workspace)
    if not release.is_dir():
        raise FileNotFoundError(f"{release} does not exist: run this from the course folder.")
    stamp = (today or date.today()).isoformat()
    workspace.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(workspace)
    notebooks = manifest.setdefault("notebooks", {})
    done = Prepared()
    released = sorted(path.relative_to(release).as_posix() for path in release.glob("*/*.ipynb")
                      if ".ipynb_checkpoints" not in path.parts)
    for relative in released:
        fresh = read_notebook(release / relative)
        if fresh is None:
            continue
        done.titles[relative] = title_of(fresh, relative)
        target = workspace / relative
        record = notebooks.get(relative)
        mine = read_notebook(target) if target.exists() else None
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(release / relative, target)
            done.copied.append(relative)
        elif record is None:
            # A notebook the manifest does not know: the student's, whatever it holds.
            if mine is not None and fingerprint(mine) == fingerprint(fresh):
                pass
            else:
                done.updates.append(_offer(release, workspace, relative, fresh, [], stamp))
                continue
        elif record.get("fingerprint") == fingerprint(fresh):
            continue
        elif mine is not None and fingerprint(mine) == record.get("fingerprint"):
            shutil.copyfile(release / relative, target)  # Not started: take the new version.
            done.refreshed.append(relative)
        else:
            pending = record.get("pending") or {}
            if (pending.get("fingerprint") == fingerprint(fresh)
                    and not (workspace / pending.get("file", "")).is_file()):
                pass  # The student removed the new version: they have dealt with it.
            else:
                update = _offer(release, workspace, relative, fresh, record.get("cells", []),
                                stamp)
                done.updates.append(update)
                record["pending"] = {"fingerprint": fingerprint(fresh),
                                     "file": update.update_file, "sections": update.sections}
                continue
        notebooks[relative] = {"fingerprint": fingerprint(fresh),
                               "cells": cell_fingerprints(fresh), "copied": stamp}
    done.retired = sorted(set(notebooks) - set(released))
    (workspace / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (workspace / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    (workspace / START_PAGE).write_text(start_page(done, workspace), encoding="utf-8")
    return done


def _offer(release: Path, workspace: Path, relative: str, fresh: dict, old_cells: list,
           stamp: str) -> Update:
    """Put the new version beside a started notebook (once per version); return the note."""
    target = workspace / relative
    existing = sorted(target.parent.glob(f"{target.stem}.update-*.ipynb"))
    for path in existing:
        other = read_notebook(path)
        if other is not None and fingerprint(other) == fingerprint(fresh):
            return Update(relative, path.relative_to(workspace).as_posix(),
                          changed_sections(old_cells, fresh) if old_cells else [])
    name = f"{target.stem}.update-{stamp}.ipynb"
    counter = 2
    while (target.parent / name).exists():
        name = f"{target.stem}.update-{stamp}-{counter}.ipynb"
        counter += 1
    shutil.copyfile(release / relative, target.parent / name)
    return Update(relative, (target.parent / name).relative_to(workspace).as_posix(),
                  changed_sections(old_cells, fresh) if old_cells else [])


def start_page(done: Prepared, workspace: Path) -> str:
    """Return the text of START-HERE.md."""
    lines = ["# Start here", "",
             f"This folder, `{workspace.name}/`, is yours: your answers live here, and course "
             "updates never overwrite them. (`make lab` rewrites this page each time.)", "",
             "## The notebooks", "",
             "Work through them in order. Open one, then run its cells from the top "
             "(Shift+Enter runs a cell).", ""]
    for relative, title in done.titles.items():
        lines.append(f"- [{title}]({relative.replace(' ', '%20')})")
    if done.updates:
        lines += ["", "## Course updates", ""]
        for update in done.updates:
            where = (", in: " + "; ".join(update.sections)) if update.sections else ""
            lines.append(f"- **{update.notebook}** changed since you started it{where}. Your "
                         f"notebook is as you left it; the new version is "
                         f"[{update.update_file}]({update.update_file.replace(' ', '%20')}). "
                         "Copy your answers into it, or the changed parts into yours.")
    if done.retired:
        lines += ["", "No longer part of the course (kept for you): "
                  + ", ".join(done.retired) + "."]
    lines += ["", "## Check your work", "",
              "Each exercise has a test cell under your answer: it says \"Passed\" or what it "
              "expected and what it found. The last cell of every notebook runs all of them "
              "again and lists where you stand, with the points at stake. When your work is "
              "graded, the same checks run again on new inputs.", "",
              "## Submit", "",
              "Save the notebook (Ctrl+S or Cmd+S), then hand it in as your course says: "
              "download it (File > Download) and upload the `.ipynb` file to your course's "
              "learning platform, or, on a JupyterHub with nbgrader, submit it from the "
              "Assignments page. Keep the file name.", ""]
    return "\n".join(lines)


def describe(done: Prepared, workspace: Path) -> str:
    """Return what ``prepare`` did, for the terminal."""
    lines = []
    if done.copied:
        lines.append(f"{workspace}: {len(done.copied)} notebooks copied for you to work in.")
    for relative in done.refreshed:
        lines.append(f"Course update: {relative} replaced by its new version (you had not "
                     "started it).")
    for update in done.updates:
        where = f" ({'; '.join(update.sections)})" if update.sections else ""
        lines.append(f"COURSE UPDATE: {update.notebook} changed since you started it{where}. "
                     f"Your notebook is unchanged; the new version is {workspace.name}/"
                     f"{update.update_file}. See {workspace.name}/{START_PAGE}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Prepare the workspace and print what changed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", type=Path, default=Path("notebooks"))
    parser.add_argument("--workspace", type=Path, default=Path("my-work"))
    arguments = parser.parse_args(argv)
    try:
        done = prepare(arguments.release, arguments.workspace)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    text = describe(done, arguments.workspace)
    if text:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
