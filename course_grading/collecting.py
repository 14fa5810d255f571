"""Placing downloaded submissions in nbgrader's ``submitted/<student>/<assignment>/`` folders.

``make collect SUBMISSIONS=zip-or-folder`` reads what an LMS (Canvas, Moodle, Blackboard) or a
shared drive hands over, decides for every file which student and assignment it belongs to
and when it was submitted (``course_grading.lms``), keeps the newest file when a student
submitted twice, and places the submissions with nbgrader's own ``zip_collect``, through the
course's collector plugin: nbgrader writes each ``<assignment>.ipynb`` and, when the time is
known, ``timestamp.txt``, which autograde compares with the due date (late penalties,
``course_grading.late``). Every file that could not be placed is reported with the reason.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import nbformat

from course_grading import lms as lms_rules
from course_grading.course import SUBMITTED, GradingError, assignments, run_nbgrader
from course_grading.term import read_term

STUDENT_ID = lms_rules.STUDENT_ID
LMS_LABELS = {"canvas": "Canvas", "moodle": "Moodle", "blackboard": "Blackboard",
              "names": "student and assignment names"}


@dataclass
class Submission:
    """One placed submission: who, which assignment, where it came from and went, when."""

    student: str
    assignment: str
    source: Path
    target: Path
    time: datetime | None = None
    late_marker: bool = False
    user_id: str | None = None
    name: str | None = None


@dataclass
class Collected:
    """What ``collect`` did.

    ``placed``: (student, assignment, target) of every placed file. ``skipped``: (file, reason)
    of every file not placed, ``replaced`` among them: older uploads of a submission whose
    newest upload was placed. ``submissions``: the placed files in detail. ``lms``: the naming
    the files were read with.
    """

    placed: list[tuple[str, str, Path]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    replaced: list[tuple[Path, str]] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    lms: str = "names"

    @property
    def unplaced(self) -> list[tuple[Path, str]]:
        """Return the skipped files that are not older uploads of a placed submission."""
        return [item for item in self.skipped if item not in self.replaced]


def match_submission(path: Path, root: Path, known: list[str],
                     assignment: str | None) -> tuple[str, str]:
    """Return (student, assignment) for a notebook named without an LMS, or raise ValueError.

    Accepted layouts, relative to the submissions folder:
    ``<student>/<assignment>.ipynb`` (a folder per student), ``<anything with the assignment
    name and the student>.ipynb`` such as ``alice_01-mnist-data.ipynb`` (the student is the
    name without the assignment), and, with ``assignment`` given, ``<student>.ipynb``.
    """
    relative = path.relative_to(root)
    stem = path.stem
    name = lms_rules.assignment_in(stem, known)
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
    student = lms_rules.student_id(student)
    if not student:
        raise ValueError("no student name in the file name or its folder")
    return student, name


def _readable(path: Path) -> str | None:
    """Return why ``path`` is not a readable notebook, or None when it is one."""
    try:
        nbformat.read(path, as_version=4)
    except Exception as error:  # A damaged file must not stop the rest of the class.
        first = (str(error).splitlines() or [""])[0][:100]
        return f"not a readable notebook ({type(error).__name__}: {first})"
    return None


def _newest(candidates: list[tuple[Path, lms_rules.FileMatch]]
            ) -> tuple[tuple[Path, lms_rules.FileMatch] | None, str]:
    """Return the newest of several uploads of one submission and how that was told."""
    if all(found.time is not None for _, found in candidates):
        return max(candidates, key=lambda item: (item[1].time, item[1].order or 0)), "time"
    if all(found.order is not None for _, found in candidates):
        return max(candidates, key=lambda item: item[1].order), "upload order"
    return None, ""


def _wall_time_of(path: Path, zone: ZoneInfo, from_zip: bool) -> datetime:
    """Return the wall-clock time stored for a file: the zip's (kept by extract_zip), or the
    file's modification time in ``zone``."""
    if from_zip:
        return lms_rules._wall_time(path)
    return datetime.fromtimestamp(path.stat().st_mtime, zone).replace(tzinfo=None)


def course_patterns(course: Path) -> list[dict[str, object]]:
    """Return the file-name patterns of a course: nbgrader_config.py's
    ``c.LmsCollector.extra_patterns``, then the built-in ones (what the collector plugin uses
    inside nbgrader's zip_collect)."""
    from course_grading.late import course_config

    extra = course_config(course).get("LmsCollector", {}).get("extra_patterns", [])
    return [*[dict(pattern) for pattern in extra], *lms_rules.DEFAULT_PATTERNS]


def detect(relatives: list[PurePosixPath],
           patterns: list[dict[str, object]] = lms_rules.DEFAULT_PATTERNS) -> str:
    """Return the LMS naming that more than half of the notebooks follow, else "names"."""
    naming = lms_rules.detect_lms(relatives, patterns)
    if naming == "names":
        return naming
    following = sum(1 for relative in relatives
                    if lms_rules.match_file(relative, patterns, [], ZoneInfo("UTC"), naming))
    return naming if 2 * following > len(relatives) else "names"


def collect(course: Path, submissions: Path, assignment: str | None = None, lms: str = "auto",
            archive_times: bool = False, zone_name: str | None = None) -> Collected:
    """Place an LMS's zip (or a folder) of submissions in ``submitted/``, with their times.

    ``lms``: "canvas", "moodle", "blackboard", "names" (files named by student and assignment)
    or "auto" (the naming most files follow). ``assignment``: the assignment of every file
    whose name does not say it (a zip of one assignment). ``archive_times``: take the time a
    zip stores for a file as its submission time when the name has none (right for Moodle's
    zips, wrong for Canvas's). ``zone_name``: the time zone of times without one (default:
    term.toml's, else UTC). Files that cannot be placed are listed in ``skipped`` with the
    reason, never stopping the others.
    """
    course = Path(course)
    submissions = Path(submissions)
    known = assignments(course)
    if assignment is not None and assignment not in known:
        raise GradingError(f"Unknown assignment {assignment!r}; the course has {known}.")
    patterns = course_patterns(course)
    namings = ["auto", "names", *dict.fromkeys(str(pattern["lms"]) for pattern in patterns)]
    if lms not in namings:
        raise GradingError(f"Unknown LMS {lms!r}: use one of {', '.join(namings)}.")
    term = read_term(course, known)
    zone = ZoneInfo(zone_name or term.timezone)
    result = Collected()
    # nbgrader's zip_collect reads folders below the course folder: work in .nbgrader/.
    (course / ".nbgrader").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="collect-", dir=course / ".nbgrader") as scratch_name:
        scratch = Path(scratch_name)
        from_zip = submissions.is_file() and submissions.suffix.lower() == ".zip"
        if from_zip:
            root = scratch / "unpacked"
            try:
                lms_rules.extract_zip(submissions, root)
            except ValueError as error:
                raise GradingError(str(error)) from None
        elif submissions.is_dir():
            root = submissions
        else:
            raise GradingError(f"{submissions} is neither a folder of submissions nor a zip "
                               "file (download all submissions from the LMS as one zip).")
        files = sorted(path for path in root.rglob("*") if path.is_file()
                       and not lms_rules.NOISE.search(path.relative_to(root).as_posix()))
        notebooks = [path for path in files if path.suffix == ".ipynb"]
        for path in files:
            if path.suffix != ".ipynb":
                result.skipped.append((path.relative_to(root), "not a notebook (.ipynb)"))
        relatives = [PurePosixPath(path.relative_to(root).as_posix()) for path in notebooks]
        naming = detect(relatives, patterns) if lms == "auto" else lms
        result.lms = naming
        candidates: dict[tuple[str, str], list[tuple[Path, lms_rules.FileMatch]]] = {}
        walls = {path: _wall_time_of(path, zone, from_zip) for path in notebooks}
        for path, relative in zip(notebooks, relatives, strict=True):
            wall = walls[path] if archive_times else None
            if naming == "names":
                try:
                    student, name = match_submission(path, root, known, assignment)
                except ValueError as error:
                    result.skipped.append((Path(relative), str(error)))
                    continue
                found = lms_rules.FileMatch(lms="names", student=student, upload=path.name,
                                            assignment=name,
                                            time=wall.replace(tzinfo=zone) if wall else None)
            else:
                found = lms_rules.match_file(relative, patterns, known, zone, naming, wall)
                if found is None:
                    result.skipped.append((Path(relative), f"does not follow "
                                           f"{LMS_LABELS.get(naming, naming)}'s file naming, "
                                           "so it names no student"))
                    continue
                if assignment and found.assignment and found.assignment != assignment:
                    result.skipped.append((Path(relative), f"its name says "
                                           f"{found.assignment}, not {assignment}"))
                    continue
                found.assignment = found.assignment or assignment
                if found.assignment is None:
                    result.skipped.append((Path(relative), "no assignment name "
                                           f"({', '.join(known)}) in the file name; give "
                                           "ASSIGNMENT=... for a zip of one assignment"))
                    continue
            problem = _readable(path)
            if problem:
                result.skipped.append((Path(relative), problem))
                continue
            candidates.setdefault((found.student, found.assignment), []).append((path, found))
        kept: list[tuple[Path, lms_rules.FileMatch]] = []
        for (student, name), uploads in candidates.items():
            if len(uploads) == 1:
                kept.append(uploads[0])
                continue
            newest, how = _newest(uploads)
            if newest is None:
                newest = uploads[0]
                for path, _ in uploads[1:]:
                    result.skipped.append((path.relative_to(root), f"a second file for "
                                           f"{student} and {name} (kept "
                                           f"{newest[0].relative_to(root)}); nothing in the "
                                           "names tells which is newer"))
            else:
                for path, _ in uploads:
                    if path != newest[0]:
                        item = (path.relative_to(root), f"an older upload of {student}'s "
                                f"{name} (kept {newest[0].relative_to(root)}, newer by {how})")
                        result.skipped.append(item)
                        result.replaced.append(item)
            kept.append(newest)
        _place(course, root, scratch / "downloaded", kept, walls, naming, zone, archive_times,
               result)
    _record_students(course, result.submissions)
    return result


def _place(course: Path, root: Path, downloaded: Path,
           kept: list[tuple[Path, lms_rules.FileMatch]], walls: dict[Path, datetime],
           naming: str, zone: ZoneInfo, archive_times: bool, result: Collected) -> None:
    """Place the kept files with ``nbgrader zip_collect`` (one run per assignment)."""
    by_assignment: dict[str, list[tuple[Path, lms_rules.FileMatch]]] = {}
    for item in kept:
        by_assignment.setdefault(item[1].assignment, []).append(item)
    for name, items in sorted(by_assignment.items()):
        archive = downloaded / name / "archive"
        for path, _ in items:
            staged = archive / path.relative_to(root)
            staged.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, staged)
            lms_rules.set_wall_time(staged, walls[path])
        run_nbgrader(course, "zip_collect", name, "--force",
                     "--collector=course_grading.lms.LmsCollector",
                     "--extractor=course_grading.lms.LmsExtractor",
                     "--ZipCollectApp.downloaded_directory="
                     f"{downloaded.relative_to(course).as_posix()}",
                     f"--LmsCollector.lms={naming}", f"--LmsCollector.timezone={zone.key}",
                     f"--LmsCollector.archive_times={archive_times}",
                     log_name=f"collect-{name}")
        for path, found in items:
            target = course / SUBMITTED / found.student / name / f"{name}.ipynb"
            if not target.is_file() or target.read_bytes() != path.read_bytes():
                raise GradingError(f"nbgrader zip_collect did not place {path.relative_to(root)} "
                                   f"at {target}; see .nbgrader/logs/collect-{name}.log.")
            stamp = target.parent / "timestamp.txt"
            if found.time is not None and not stamp.is_file():
                raise GradingError(f"nbgrader zip_collect wrote no timestamp.txt for {target}.")
            result.placed.append((found.student, name, target))
            result.submissions.append(Submission(
                student=found.student, assignment=name, source=path.relative_to(root),
                target=target, time=found.time, late_marker=found.late_marker,
                user_id=found.user_id, name=found.name))


def _record_students(course: Path, placed: list[Submission]) -> None:
    """Store each student's name and LMS id in the gradebook, where it has none yet."""
    details = [item for item in placed if item.user_id or item.name]
    if not details:
        return
    from nbgrader.api import Gradebook

    from course_grading.course import gradebook_url

    with Gradebook(gradebook_url(course)) as gradebook:
        for item in details:
            student = gradebook.update_or_create_student(item.student)
            if item.user_id and not student.lms_user_id:
                student.lms_user_id = item.user_id
            if item.name and not (student.first_name or student.last_name):
                first, _, last = item.name.strip().rpartition(" ")
                student.first_name = first or None
                student.last_name = last or item.name
        gradebook.db.commit()


def submitted_students(course: Path, name: str) -> list[str]:
    """Return the students with a submission of assignment ``name``."""
    folder = course / SUBMITTED
    if not folder.is_dir():
        return []
    return sorted(path.parent.name for path in folder.glob(f"*/{name}") if path.is_dir())


def utc(moment: datetime | None) -> str:
    """Return an aware time as "YYYY-MM-DD HH:MM UTC" (empty for None)."""
    if moment is None:
        return ""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def report(course: Path, result: Collected) -> str:
    """Return what ``collect`` did, for the instructor: placed, replaced, not placed."""
    lines = [f"Files named as {LMS_LABELS.get(result.lms, result.lms)}: "
             f"{len(result.placed)} placed, {len(result.replaced)} older uploads replaced, "
             f"{len(result.unplaced)} not placed."]
    for item in sorted(result.submissions, key=lambda item: (item.assignment, item.student)):
        when = f"submitted {utc(item.time)}" if item.time else "no submission time"
        marker = "; the LMS marks it LATE" if item.late_marker else ""
        lines.append(f"  placed {item.student} / {item.assignment}: {item.source} "
                     f"({when}{marker})")
    for path, reason in result.replaced:
        lines.append(f"  replaced {path}: {reason}")
    for path, reason in result.unplaced:
        lines.append(f"  NOT PLACED {path}: {reason}")
    if any(item.late_marker and item.time is None for item in result.submissions):
        lines.append("Canvas's zip holds no submission times, so nbgrader cannot apply the "
                     "late rule to the files it marks LATE: let Canvas's own late policy apply "
                     "when you import the grades (INSTRUCTORS.md, Late work).")
    return "\n".join(lines)
