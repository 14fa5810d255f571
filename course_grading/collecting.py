"""Placing downloaded submissions in nbgrader's ``submitted/<student>/<assignment>/`` folders.

``make collect SUBMISSIONS=folder`` reads a folder of notebooks as an LMS or a shared drive
hands them over and copies each to where nbgrader expects it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_grading.course import SUBMITTED, GradingError, assignments

STUDENT_ID = re.compile(r"[^A-Za-z0-9_.@+-]+")


@dataclass
class Collected:
    """What ``collect`` did: files placed, and files it could not place (with the reason)."""

    placed: list[tuple[str, str, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def match_submission(path: Path, root: Path, known: list[str],
                     assignment: str | None) -> tuple[str, str]:
    """Return (student, assignment) for a downloaded notebook, or raise ValueError.

    Accepted layouts, relative to the submissions folder:
    ``<student>/<assignment>.ipynb`` (a folder per student, e.g. an unzipped LMS export),
    ``<anything with the assignment name and the student>.ipynb`` such as
    ``alice_01-mnist-data.ipynb`` (the student is the name without the assignment), and, with
    ``assignment`` given, ``<student>.ipynb``.
    """
    relative = path.relative_to(root)
    stem = path.stem
    found = [name for name in known if name in stem]
    name = max(found, key=len) if found else None
    if assignment and name and name != assignment:
        raise ValueError(f"its name says {name}, not {assignment}")
    name = name or assignment
    if name is None:
        raise ValueError(f"no assignment name ({', '.join(known)}) in the file name; "
                         "pass --assignment for files named <student>.ipynb")
    rest = stem.replace(name, " ").strip(" _-.")
    if len(relative.parts) > 1 and (not rest or stem == name):
        student = relative.parts[0]
    else:
        student = rest
    student = STUDENT_ID.sub("-", student).strip("-")
    if not student:
        raise ValueError("no student name in the file name or its folder")
    return student, name


def collect(course: Path, submissions: Path, assignment: str | None = None) -> Collected:
    """Copy downloaded notebooks into ``submitted/<student>/<assignment>/<assignment>.ipynb``.

    Files that are not readable notebooks, or whose student or assignment cannot be told from
    the name, are listed as skipped (with the reason) rather than stopping the others.
    """
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise GradingError(f"{submissions} is not a folder of submitted notebooks.")
    known = assignments(course)
    if assignment is not None and assignment not in known:
        raise GradingError(f"Unknown assignment {assignment!r}; the course has {known}.")
    result = Collected()
    seen: dict[tuple[str, str], Path] = {}
    for path in sorted(submissions.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        try:
            student, name = match_submission(path, submissions, known, assignment)
        except ValueError as error:
            result.skipped.append((path, str(error)))
            continue
        try:
            nbformat.read(path, as_version=4)
        except Exception as error:  # A damaged file must not stop the rest of the class.
            result.skipped.append((path, f"not a readable notebook ({type(error).__name__}: "
                                         f"{str(error).splitlines()[0][:100]})"))
            continue
        if (student, name) in seen:
            result.skipped.append((path, f"a second file for {student} and {name} "
                                         f"(kept {seen[(student, name)]})"))
            continue
        seen[(student, name)] = path
        target = course / SUBMITTED / student / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        result.placed.append((student, name, target))
    return result


def submitted_students(course: Path, name: str) -> list[str]:
    """Return the students with a submission of assignment ``name``."""
    folder = course / SUBMITTED
    if not folder.is_dir():
        return []
    return sorted(path.parent.name for path in folder.glob(f"*/{name}") if path.is_dir())
