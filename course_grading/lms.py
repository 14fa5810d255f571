"""Submissions as a learning management system (LMS) hands them over: names, times, zips.

An LMS's "download all submissions" gives a zip whose file names carry the student and, for
some, the time. The naming conventions (checked against each system's own code or exports):

* **Canvas**: ``<sortable name>_[LATE_]<user id>_<attachment id>_<uploaded name>``, for example
  ``smithjohn_LATE_12345_678901_01-mnist-data.ipynb`` (anonymous grading:
  ``[LATE_]anon_<id>_<attachment id>_<name>``). The zip holds only each student's latest
  submission, without its time (the files are written into the zip when it is downloaded);
  a higher attachment id is a later upload.
* **Moodle**: a folder ``<Full Name>_<participant id>_assignsubmission_file_/<uploaded name>``,
  or the same as one flat name. The participant id differs between assignments, so the
  student is told by name.
* **Blackboard**: ``<title>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<uploaded name>``, one file
  per attempt, with the time in the LMS's time zone.
* **names** (no LMS): ``alice_01-mnist-data.ipynb``, ``01-mnist-data - Bob Smith.ipynb``,
  ``alice/01-mnist-data.ipynb`` or ``alice.ipynb`` with the assignment given
  (``course_grading.collecting.match_submission``).

``LmsCollector`` and ``LmsExtractor`` are plugins for nbgrader's ``zip_collect``
(``ZipCollectApp``), which ``make collect`` runs; they also work on their own::

    nbgrader zip_collect 01-mnist-data --collector=course_grading.lms.LmsCollector \\
        --extractor=course_grading.lms.LmsExtractor

Patterns are configurable in nbgrader_config.py (``c.LmsCollector.extra_patterns``, a list of
dictionaries like ``DEFAULT_PATTERNS``'s), as are the time zone of times without one
(``c.LmsCollector.timezone``; ``make collect`` passes term.toml's) and whether the times
stored in a zip count as submission times (``c.LmsCollector.archive_times``, off: Canvas's
are the download time).
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from calendar import timegm
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin
from traitlets import Bool, Dict, List, Unicode

STUDENT_ID = re.compile(r"[^A-Za-z0-9_.@+-]+")
# Files an archive or a desktop adds that are never submissions.
NOISE = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints|\.DS_Store|Thumbs\.db)(/|$)")

# Each pattern: the LMS it belongs to, a regular expression matched against the last `parts`
# components of the file's path, the student id made from its groups (str.format), and the
# layout of its `time` group. Groups: `upload` (the name the student gave the file), `name`
# (the student's name as the LMS writes it), `user_id` (the LMS's own id), `time`, `late`,
# `order` (a number that grows with each upload).
DEFAULT_PATTERNS: list[dict[str, object]] = [
    {"lms": "canvas", "parts": 1,
     "regexp": r"(?P<name>.+?)_(?:(?P<late>LATE)_)?(?P<user_id>\d+)_(?P<order>\d+)_"
               r"(?P<upload>.+)",
     "student": "{name}-{user_id}"},
    {"lms": "canvas", "parts": 1,
     "regexp": r"(?:(?P<late>LATE)_)?anon_(?P<anonymous_id>[A-Za-z0-9]+)_(?P<order>\d+)_"
               r"(?P<upload>.+)",
     "student": "anon-{anonymous_id}"},
    {"lms": "moodle", "parts": 2,
     "regexp": r"(?P<name>[^_/]+)_(?P<participant>\d+)_assignsubmission_file_/(?P<upload>[^/]+)",
     "student": "{name}"},
    {"lms": "moodle", "parts": 1,
     "regexp": r"(?P<name>[^_/]+)_(?P<participant>\d+)_assignsubmission_file_(?P<upload>.+)",
     "student": "{name}"},
    {"lms": "blackboard", "parts": 1,
     "regexp": r"(?P<title>.*)_(?P<user_id>[^_]+)_attempt_"
               r"(?P<time>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<upload>.+))?",
     "student": "{user_id}", "time_format": "%Y-%m-%d-%H-%M-%S"},
]
LMS_NAMES = ("canvas", "moodle", "blackboard")


@dataclass
class FileMatch:
    """What a file's path says about a submission."""

    lms: str
    student: str
    upload: str
    assignment: str | None = None
    time: datetime | None = None
    late_marker: bool = False
    order: int | None = None
    user_id: str | None = None
    name: str | None = None


def student_id(text: str) -> str:
    """Return ``text`` as an nbgrader student id (letters, digits and ``_.@+-``)."""
    return STUDENT_ID.sub("-", text.strip()).strip("-")


def assignment_in(text: str, known: list[str]) -> str | None:
    """Return the longest known assignment name found in ``text``, or None."""
    found = [name for name in known if name in text]
    return max(found, key=len) if found else None


def _wall_time(path: Path) -> datetime:
    """Return the time stored for an extracted file (see ``set_wall_time``), without a zone."""
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).replace(tzinfo=None)


def set_wall_time(path: Path, wall: datetime) -> None:
    """Store ``wall`` (a time without a zone, as zip files keep them) as the file's mtime.

    The mtime holds the wall-clock time as if it were UTC, so that reading it back never
    depends on the machine's time zone; ``LmsCollector.timezone`` says what zone it is in.
    """
    seconds = timegm(wall.timetuple())
    os.utime(path, (seconds, seconds))


def match_file(relative: str | PurePosixPath, patterns: list[dict[str, object]],
               known: list[str], zone: ZoneInfo, lms: str = "auto",
               wall_time: datetime | None = None) -> FileMatch | None:
    """Return what an LMS's file name says (student, time, assignment...), or None.

    ``relative`` is the file's path below the downloads folder, with ``/`` separators. Only
    the patterns of ``lms`` are tried (all of them for "auto"). ``wall_time``, when given, is
    the time the archive stored for the file, used when the name carries none.
    """
    relative = PurePosixPath(relative)
    for pattern in patterns:
        if lms not in ("auto", pattern["lms"]):
            continue
        parts = int(pattern.get("parts", 1))
        tail = "/".join(relative.parts[-parts:])
        found = re.fullmatch(str(pattern["regexp"]), tail)
        if not found:
            continue
        groups = {key: value or "" for key, value in found.groupdict().items()}
        student = student_id(str(pattern.get("student", "{student}")).format(**groups))
        if not student:
            continue
        upload = groups.get("upload") or relative.name
        time = None
        if groups.get("time"):
            layout = pattern.get("time_format")
            try:
                time = (datetime.strptime(groups["time"], str(layout)) if layout
                        else datetime.fromisoformat(groups["time"]))
            except ValueError:
                continue
        elif wall_time is not None:
            time = wall_time
        if time is not None and time.tzinfo is None:
            time = time.replace(tzinfo=zone)
        return FileMatch(
            lms=str(pattern["lms"]), student=student, upload=upload,
            assignment=assignment_in(upload, known) or assignment_in(str(relative), known),
            time=time, late_marker=bool(groups.get("late")),
            order=int(groups["order"]) if groups.get("order", "").isdigit() else None,
            user_id=groups.get("user_id") or None,
            name=groups.get("name") or None)
    return None


def detect_lms(relatives: list[PurePosixPath], patterns: list[dict[str, object]]) -> str:
    """Return the LMS whose naming most of the files follow, or "names" when none does."""
    votes: Counter[str] = Counter()
    for relative in relatives:
        found = match_file(relative, patterns, [], ZoneInfo("UTC"))
        if found:
            votes[found.lms] += 1
    return votes.most_common(1)[0][0] if votes else "names"


def extract_zip(archive: Path, target: Path) -> list[Path]:
    """Extract a zip file into ``target`` safely, keeping each file's stored time.

    Names that would land outside ``target`` (absolute, ``..``) are refused. Zip files inside
    the zip (Moodle can nest them) are extracted into a folder named after them. Returns the
    files written.
    """
    written: list[Path] = []
    target = target.resolve()
    try:
        archive_file = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise ValueError(f"{archive} is not a zip file ({error}).") from error
    with archive_file:
        for info in archive_file.infolist():
            if info.is_dir():
                continue
            destination = (target / info.filename).resolve()
            if not destination.is_relative_to(target) or NOISE.search(info.filename):
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive_file.open(info) as source, open(destination, "wb") as copy:
                shutil.copyfileobj(source, copy)
            set_wall_time(destination, datetime(*info.date_time))
            written.append(destination)
    for inner in [path for path in written if path.suffix.lower() == ".zip"]:
        folder = inner.with_suffix("")
        written.remove(inner)
        written.extend(extract_zip(inner, folder))
        inner.unlink()
    return written


class LmsCollector(FileNameCollectorPlugin):
    """nbgrader ``zip_collect`` collector: student, notebook and time from an LMS's names.

    Returns, for each file, nbgrader's ``student_id``, ``file_id`` (the assignment's notebook,
    whatever the student named the upload) and ``timestamp``; None for a file it cannot place.
    """

    lms = Unicode(
        "auto", help="The LMS whose naming the files follow: canvas, moodle, blackboard, "
                     "names (no LMS), or auto (any of the LMS patterns)."
    ).tag(config=True)
    extra_patterns = List(
        Dict(), help="Patterns tried before the built-in ones (same keys as "
                     "course_grading.lms.DEFAULT_PATTERNS)."
    ).tag(config=True)
    timezone = Unicode(
        "UTC", help="Time zone of submission times that carry none (Blackboard's names, "
                    "times stored in zip files)."
    ).tag(config=True)
    archive_times = Bool(
        False, help="Take a file's time stored in the zip as its submission time when the "
                    "name has none (never for Canvas, whose zip times are the download time)."
    ).tag(config=True)
    extracted_root = Unicode(
        "", help="The folder whose files are collected (default: zip_collect's extracted "
                 "folder)."
    ).tag(config=True)

    @property
    def patterns(self) -> list[dict[str, object]]:
        """Return the configured patterns, then the built-in ones."""
        return [*self.extra_patterns, *DEFAULT_PATTERNS]

    def _root(self) -> Path | None:
        if self.extracted_root:
            return Path(self.extracted_root)
        parent = self.parent
        if parent is not None and hasattr(parent, "_format_collect_path"):
            return Path(parent._format_collect_path(parent.extracted_directory))
        return None

    def _assignment(self) -> str:
        parent = self.parent
        return getattr(getattr(parent, "coursedir", None), "assignment_id", "") or ""

    def collect(self, submitted_file: str) -> dict | None:
        """Return nbgrader's dictionary for one extracted file, or None to skip it."""
        from course_grading.collecting import match_submission

        path = Path(submitted_file)
        if path.suffix not in self.valid_ext or NOISE.search(path.as_posix()):
            return None
        root = self._root()
        relative = (PurePosixPath(path.relative_to(root).as_posix())
                    if root is not None and path.is_relative_to(root)
                    else PurePosixPath(path.name))
        assignment = self._assignment()
        known = [assignment] if assignment else []
        zone = ZoneInfo(self.timezone)
        if self.lms == "names":
            try:
                student, name = match_submission(Path(root or path.parent) / relative,
                                                 Path(root or path.parent), known,
                                                 assignment or None)
            except ValueError as error:
                self.log.warning("Skipped %s: %s", relative, error)
                return None
            return {"student_id": student, "file_id": f"{name}.ipynb"}
        found = match_file(relative, self.patterns, known, zone, self.lms,
                           _wall_time(path) if self.archive_times else None)
        if found is None:
            self.log.warning("Skipped %s: it follows no known naming", relative)
            return None
        name = found.assignment or assignment
        if not name:
            self.log.warning("Skipped %s: no assignment", relative)
            return None
        result = {"student_id": found.student, "file_id": f"{name}.ipynb"}
        if found.time is not None:
            result["timestamp"] = found.time.isoformat()
        return result


class LmsExtractor(ExtractorPlugin):
    """nbgrader ``zip_collect`` extractor: unzips safely and keeps the times the zip stores
    (nbgrader's own extractor writes every file with the time of extraction)."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        """Extract every zip of ``archive_path`` and copy its other files, times kept."""
        source_root = Path(archive_path)
        target_root = Path(extracted_path)
        for path in sorted(source_root.rglob("*")):
            if not path.is_file() or NOISE.search(path.as_posix()):
                continue
            relative = path.relative_to(source_root)
            destination = target_root / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix.lower() in self.zip_ext and zipfile.is_zipfile(path):
                extract_zip(path, destination.with_suffix(""))
            else:
                shutil.copy2(path, destination)
