"""The markers of nbgrader's regions, and the lines students never see.

nbgrader hides what lies between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (answers) and
``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` (tests run only at grading). Every step
that reads those regions (the release check, feedback, the tests) uses these functions.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

import nbformat

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
# Lines shorter than this (``else:``, ``pass``, ``)``) say nothing about a test or an answer.
SECRET_LINE_MINIMUM = 12


def split_region(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """Return the lines between the markers and the lines outside them (markers dropped)."""
    inside_lines: list[str] = []
    outside_lines: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (inside_lines if inside else outside_lines).append(line)
    return inside_lines, outside_lines


def outside_region(source: str, begin: str, end: str) -> str:
    """Return ``source`` without the regions between ``begin`` and ``end`` (markers included)."""
    return "\n".join(split_region(source, begin, end)[1])


def remove_hidden_tests(source: str) -> str:
    """Return ``source`` without its BEGIN/END HIDDEN TESTS regions (markers included).

    Unlike nbgrader's ClearHiddenTests it never raises: an unmatched marker hides the rest
    of the cell.
    """
    return outside_region(source, BEGIN_HIDDEN, END_HIDDEN)


def hidden_test_lines(source: str) -> list[str]:
    """Return the lines between the hidden-test markers of a test cell's source."""
    return split_region(source, BEGIN_HIDDEN, END_HIDDEN)[0]


def solution_lines(source: str) -> list[str]:
    """Return the lines between the solution markers of a source cell."""
    return split_region(source, BEGIN_SOLUTION, END_SOLUTION)[0]


def without_solution_markers(source: str) -> str:
    """Return a solution cell's code as a student would type it: the markers' lines removed."""
    return "\n".join(line for line in source.split("\n")
                     if BEGIN_SOLUTION not in line and END_SOLUTION not in line)


def secret_lines_of(notebooks: Iterable[nbformat.NotebookNode]) -> dict[str, set[str]]:
    """Return the hidden-test and solution lines of source notebooks that students never see.

    A line counts only when it occurs nowhere else in the source notebooks, not even inside a
    longer line (a demo cell may repeat a test's call), and is long enough to say something,
    so that finding one of these in a student file is a real leak.
    """
    hidden: set[str] = set()
    solution: set[str] = set()
    elsewhere: list[str] = []
    for notebook in notebooks:
        for cell in notebook.cells:
            hidden.update(line.strip() for line in hidden_test_lines(cell.source))
            solution.update(line.strip() for line in solution_lines(cell.source))
            outside = outside_region(cell.source, BEGIN_SOLUTION, END_SOLUTION)
            elsewhere.append(remove_hidden_tests(outside))
    visible = "\n".join(elsewhere)

    def secret(line: str) -> bool:
        return (len(line) >= SECRET_LINE_MINIMUM and not line.startswith("#")
                and line not in visible)

    return {"hidden test": {line for line in hidden if secret(line)},
            "solution": {line for line in solution if secret(line)}}


def secret_lines(course: Path, name: str, source: str = "solutions") -> dict[str, set[str]]:
    """Return the secret lines (see ``secret_lines_of``) of one assignment's source notebooks.

    The student release is not consulted: it is what gets checked.
    """
    paths = sorted((Path(course) / source / name).glob("*.ipynb"))
    return secret_lines_of(nbformat.read(path, as_version=4) for path in paths)


def html_text(page: str) -> str:
    """Return the text of an HTML page as a reader sees it (tags removed, entities decoded)."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def leaks(text: str, lines: Iterable[str]) -> list[str]:
    """Return the lines that occur in ``text``."""
    return sorted(line for line in lines if line in text)


_BASE64_TOKEN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def decoded_base64(text: str) -> str:
    """Return the text that the base64-looking runs of ``text`` decode to, joined by newlines."""
    import base64
    import binascii

    pieces = []
    for token in _BASE64_TOKEN.findall(text):
        for candidate in (token, token + "=", token + "=="):
            try:
                pieces.append(base64.b64decode(candidate, validate=True).decode("utf-8", "ignore"))
                break
            except (binascii.Error, ValueError):
                continue
    return "\n".join(pieces)


def leaks_in_any_encoding(text: str, lines: Iterable[str]) -> list[str]:
    """Return the lines that occur in ``text`` as they are, reversed, or base64-encoded."""
    lines = list(lines)
    found = set(leaks(text, lines)) | set(leaks(text[::-1], lines))
    found |= set(leaks(decoded_base64(text), lines))
    return sorted(found)
