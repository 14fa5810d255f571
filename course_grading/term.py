"""The term's settings: due dates, the time zone and the LMS's name for each assignment.

They live in one small file, ``term.toml``, in the course folder (``term.example.toml`` shows
every key). ``make assign`` writes the due dates into the gradebook, ``make collect`` reads
times without a zone in that zone, and ``make grades`` names the Canvas gradebook columns::

    timezone = "Europe/Berlin"

    [assignments."01-mnist-data"]
    due = "2026-02-06 23:59"
    lms_column = "01 MNIST data (481516)"

A course without ``term.toml`` has no due dates (nothing is late) and uses UTC.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from course_grading.course import GradingError

TERM_FILE = "term.toml"
DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


@dataclass
class AssignmentTerm:
    """One assignment's settings: when it is due (aware datetime) and its LMS column."""

    due: datetime | None = None
    lms_column: str | None = None


@dataclass
class Term:
    """The term's settings (see the module docstring)."""

    timezone: str = "UTC"
    assignments: dict[str, AssignmentTerm] = field(default_factory=dict)
    path: Path | None = None

    @property
    def zone(self) -> ZoneInfo:
        """Return the term's time zone."""
        return ZoneInfo(self.timezone)

    def due(self, name: str) -> datetime | None:
        """Return when assignment ``name`` is due, or None."""
        return self.assignments.get(name, AssignmentTerm()).due

    def lms_column(self, name: str) -> str:
        """Return the LMS gradebook column of assignment ``name`` (default: its name)."""
        return self.assignments.get(name, AssignmentTerm()).lms_column or name


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ImportError as error:
            raise GradingError(f"Reading {path} needs Python 3.11 or the tomli package: "
                               "run `.venv/bin/pip install tomli`.") from error
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise GradingError(f"{path} is not valid TOML: {error}.") from error


def parse_time(text: str, zone: ZoneInfo, what: str) -> datetime:
    """Return ``text`` ("2026-02-06 23:59", or ISO 8601 with an offset) as an aware datetime.

    A time without an offset is read in ``zone``. ``what`` names the value in the error.
    """
    text = str(text).strip()
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).replace(tzinfo=zone)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise GradingError(f"{what}: {text!r} is not a date and time; write it as "
                           "\"2026-02-06 23:59\" (in the term's time zone).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def read_term(course: Path, known: list[str] | None = None) -> Term:
    """Return the course's term settings from ``term.toml`` (defaults when there is none).

    ``known`` (the course's assignments) makes an unknown assignment name an error, so that
    a typing mistake never leaves an assignment without its due date.
    """
    path = Path(course) / TERM_FILE
    if not path.is_file():
        return Term()
    data = _load_toml(path)
    unknown_keys = sorted(set(data) - {"timezone", "assignments"})
    if unknown_keys:
        raise GradingError(f"{path}: unknown keys {unknown_keys}; expected timezone and "
                           "[assignments.\"NAME\"] tables (see term.example.toml).")
    zone_name = str(data.get("timezone", "UTC"))
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise GradingError(f"{path}: unknown time zone {zone_name!r}; use a name such as "
                           "\"Europe/Berlin\" or \"America/New_York\".") from None
    term = Term(timezone=zone_name, path=path)
    for name, table in dict(data.get("assignments", {})).items():
        if known is not None and name not in known:
            raise GradingError(f"{path}: assignment {name!r} is not in the course ({known}).")
        if not isinstance(table, dict):
            raise GradingError(f"{path}: [assignments.\"{name}\"] must be a table with due "
                               "and lms_column.")
        extra = sorted(set(table) - {"due", "lms_column"})
        if extra:
            raise GradingError(f"{path}: assignment {name!r} has unknown keys {extra}.")
        due = table.get("due")
        if isinstance(due, datetime):
            due = due if due.tzinfo else due.replace(tzinfo=zone)
        elif due is not None:
            due = parse_time(due, zone, f"{path}: the due date of {name}")
        column = table.get("lms_column")
        term.assignments[name] = AssignmentTerm(due=due, lms_column=str(column) if column else None)
    return term


def utc_naive(moment: datetime) -> datetime:
    """Return an aware datetime as the naive UTC datetime nbgrader's gradebook stores."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
