"""From the LMS and back: collecting its zips, due dates, late penalties and grade exports.

The unit tests read file names, dates and CSV cells (nothing runs). The workflow tests grade
the tiny course of tests/tiny_course.py once, as an instructor would (`make assign`, `make
collect` of a Canvas and a Blackboard zip, `make autograde`, `make feedback`, grading a written
answer by hand, `make grades`), and check exact values: which files are placed where, the
submission times nbgrader records, the late penalty in points, the cells of every CSV.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import nbformat
import pytest
import tiny_course as tiny
from nbgrader.api import Gradebook

from course_grading import collecting, commands, exports, late, lms, term
from course_grading.course import GradingError, gradebook_url

BERLIN = ZoneInfo("Europe/Berlin")
KNOWN = ["01-mnist-data", "02-reshaping-scaling"]


# ---------------------------------------------------------------------------------------------
# File names, dates, penalties and cells (nothing runs)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("relative", "expected"), [
    ("smithjohn_12345_678901_01-mnist-data.ipynb",
     ("canvas", "smithjohn-12345", "01-mnist-data", None, False, 678901, "12345")),
    ("o_brien_LATE_23456_1002_02-reshaping-scaling-1.ipynb",
     ("canvas", "o_brien-23456", "02-reshaping-scaling", None, True, 1002, "23456")),
    ("LATE_anon_x7Yz2_1003_notebook.ipynb",
     ("canvas", "anon-x7Yz2", None, None, True, 1003, None)),
    ("Jane Doe_1234567_assignsubmission_file_/01-mnist-data.ipynb",
     ("moodle", "Jane-Doe", "01-mnist-data", None, False, None, None)),
    ("course-export/Jane Doe_1234567_assignsubmission_file_01-mnist-data.ipynb",
     ("moodle", "Jane-Doe", "01-mnist-data", None, False, None, None)),
    ("01 MNIST_jdoe7_attempt_2026-02-06-23-30-00_01-mnist-data.ipynb",
     ("blackboard", "jdoe7", "01-mnist-data", datetime(2026, 2, 6, 23, 30, tzinfo=BERLIN),
      False, None, "jdoe7")),
])
def test_each_lms_naming_gives_student_assignment_and_time(relative, expected) -> None:
    found = lms.match_file(PurePosixPath(relative), lms.DEFAULT_PATTERNS, KNOWN, BERLIN)
    assert found is not None
    assert (found.lms, found.student, found.assignment, found.time, found.late_marker,
            found.order, found.user_id) == expected


@pytest.mark.parametrize("relative", ["alice_01-mnist-data.ipynb", "01-mnist-data - Bob.ipynb",
                                      "carol/01-mnist-data.ipynb", "random-file.ipynb"])
def test_names_without_an_lms_match_no_lms_pattern(relative) -> None:
    assert lms.match_file(PurePosixPath(relative), lms.DEFAULT_PATTERNS, KNOWN, BERLIN) is None


def test_the_naming_most_files_follow_is_chosen() -> None:
    canvas = [PurePosixPath(f"student{n}_{n}000_{n}_01-mnist-data.ipynb") for n in range(3)]
    names = [PurePosixPath(f"student{n}_01-mnist-data.ipynb") for n in range(4)]
    assert collecting.detect(canvas + names[:1]) == "canvas"
    assert collecting.detect(canvas + names) == "names"  # Three of seven: not a majority.


def test_zip_extraction_keeps_stored_times_and_refuses_paths_outside(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr(zipfile.ZipInfo("a/one.ipynb", (2026, 2, 6, 23, 30, 0)), "{}")
        handle.writestr(zipfile.ZipInfo("../escape.ipynb", (2026, 2, 6, 23, 30, 0)), "{}")
        handle.writestr(zipfile.ZipInfo("__MACOSX/a/._one.ipynb", (2026, 2, 6, 23, 30, 0)), "")
    written = lms.extract_zip(archive, tmp_path / "out")
    assert [path.relative_to(tmp_path / "out").as_posix() for path in written] == ["a/one.ipynb"]
    assert lms._wall_time(written[0]) == datetime(2026, 2, 6, 23, 30)
    assert not (tmp_path / "escape.ipynb").exists()


def test_term_file_gives_due_dates_in_its_time_zone(tmp_path: Path) -> None:
    (tmp_path / "term.toml").write_text(
        'timezone = "Europe/Berlin"\n[assignments."01-mnist-data"]\ndue = "2026-07-06 23:59"\n'
        'lms_column = "MNIST (11)"\n', encoding="utf-8")
    settings = term.read_term(tmp_path, KNOWN)
    assert term.utc_naive(settings.due("01-mnist-data")) == datetime(2026, 7, 6, 21, 59)
    assert settings.lms_column("01-mnist-data") == "MNIST (11)"
    assert settings.lms_column("02-reshaping-scaling") == "02-reshaping-scaling"
    assert settings.due("02-reshaping-scaling") is None
    (tmp_path / "term.toml").write_text('[assignments."01-mnist"]\ndue = "2026-07-06"\n')
    with pytest.raises(GradingError, match="not in the course"):
        term.read_term(tmp_path, KNOWN)
    (tmp_path / "term.toml").write_text('[assignments."01-mnist-data"]\ndue = "Friday"\n')
    with pytest.raises(GradingError, match="is not a date and time"):
        term.read_term(tmp_path, KNOWN)
    (tmp_path / "term.toml").write_text('timezone = "Mars/Olympus"\n')
    with pytest.raises(GradingError, match="unknown time zone"):
        term.read_term(tmp_path, KNOWN)


@pytest.mark.parametrize(("seconds", "grace", "days", "penalty"), [
    (0, 0, 0, 0.0), (1, 0, 1, 0.8), (86_400, 0, 1, 0.8), (86_401, 0, 2, 1.6),
    (600, 15, 0, 0.0), (7 * 86_400, 0, 7, 4.0), (30 * 86_400, 0, 30, 4.0),
])
def test_each_started_day_late_costs_ten_percent_at_most_half(seconds, grace, days,
                                                               penalty) -> None:
    assert late.days_late(seconds, grace) == days
    assert late.penalty_points(8.0, seconds, 10, 50, grace) == penalty
    rule = late.PerDayLatePenalty(percent_per_day=10, max_percent=50, grace_minutes=grace)
    assert rule.late_submission_penalty("student", 8.0, seconds) == penalty


def test_the_course_config_uses_the_per_day_rule() -> None:
    rule = late.penalty_plugin(Path(__file__).resolve().parent.parent)
    assert isinstance(rule, late.PerDayLatePenalty)
    assert rule.describe() == "10 % of the score per started day late, at most 50 %"


@pytest.mark.parametrize(("value", "cell"), [(None, ""), (6.0, "6"), (4.8, "4.8"),
                                             (1 / 3, "0.33"), (0.0, "0"), (2.50, "2.5")])
def test_points_are_written_with_at_most_two_decimals(value, cell) -> None:
    assert exports.points(value) == cell


def test_a_pattern_in_nbgrader_config_places_files_through_zip_collect(tmp_path: Path) -> None:
    course = tiny.make_course(tmp_path / "course")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write('\nc.LmsCollector.extra_patterns = [{"lms": "ilias", "parts": 1, '
                     '"regexp": r"(?P<user_id>\\d+)-(?P<upload>.+)", "student": "s{user_id}"}]\n')
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    for name in ("4711-01-tiny.ipynb", "4712-mine.ipynb", "stray.ipynb"):
        nbformat.write(tiny.source_notebook(), downloads / name)
    collected = collecting.collect(course, downloads, tiny.ASSIGNMENT)
    assert collected.lms == "ilias"
    assert sorted((student, name) for student, name, _ in collected.placed) == [
        ("s4711", "01-tiny"), ("s4712", "01-tiny")]
    assert (course / "submitted/s4711/01-tiny/01-tiny.ipynb").is_file()
    assert [str(path) for path, _ in collected.unplaced] == ["stray.ipynb"]


# ---------------------------------------------------------------------------------------------
# The workflow on the tiny course
# ---------------------------------------------------------------------------------------------


class Term:
    """What happened while grading the tiny course, for the tests to read."""

    course: Path
    canvas: collecting.Collected
    blackboard: collecting.Collected
    canvas_zip: Path
    penalty_at_autograde: dict[str, float | None]
    feedback_pages: dict[str, str]
    grades_output: str


def _grade(student: str, grade_id: str, course: Path) -> float | None:
    with Gradebook(gradebook_url(course)) as gradebook:
        submission = gradebook.find_submission(tiny.ASSIGNMENT, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.name == grade_id:
                    return None if (grade.auto_score is None and grade.manual_score is None) \
                        else float(grade.score)
    raise KeyError(grade_id)


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Term:
    """Grade the tiny course from the LMS downloads to the grade exports, once."""
    work = tmp_path_factory.mktemp("lms-term")
    result = Term()
    result.course = course = tiny.make_course(work / "course")
    commands.assign(course, [tiny.ASSIGNMENT])
    release = nbformat.read(course / "notebooks" / tiny.ASSIGNMENT / f"{tiny.ASSIGNMENT}.ipynb",
                            as_version=4)
    result.canvas_zip = tiny.canvas_zip(work / "canvas.zip", release)
    result.canvas = collecting.collect(course, result.canvas_zip, tiny.ASSIGNMENT)
    result.blackboard = collecting.collect(course, tiny.blackboard_zip(work / "bb.zip", release))
    commands.autograde(course, [tiny.ASSIGNMENT], jobs=1)
    with Gradebook(gradebook_url(course)) as gradebook:
        result.penalty_at_autograde = {
            submission.student.id: submission.late_submission_penalty
            for submission in gradebook.find_assignment(tiny.ASSIGNMENT).submissions}
    commands.feedback(course, [tiny.ASSIGNMENT])
    result.feedback_pages = {
        student: (course / "feedback" / student / tiny.ASSIGNMENT / f"{tiny.ASSIGNMENT}.html")
        .read_text(encoding="utf-8") for student in ("alice", "bob")}
    # The instructor grades the written answers by hand (formgrader), all but leeann's.
    with Gradebook(gradebook_url(course)) as gradebook:
        for student in ("alice", "bob", "smithjohn-12345"):
            grade = gradebook.find_grade("reflection-tiny", tiny.ASSIGNMENT, tiny.ASSIGNMENT,
                                         student)
            grade.manual_score = 1.0
            grade.needs_manual_grade = False  # What formgrader does when a score is saved.
        gradebook.db.commit()
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        commands.grades(course, course / "grades.csv")
    result.grades_output = printed.getvalue()
    return result


def test_canvas_zip_places_each_student_and_the_newest_upload(graded: Term) -> None:
    collected = graded.canvas
    assert collected.lms == "canvas"
    assert sorted(student for student, _, _ in collected.placed) == [
        "doejane-23456", "leeann-34567", "smithjohn-12345"]
    assert [(str(path), reason.split(" (")[0]) for path, reason in collected.replaced] == [
        ("leeann_34567_1003_01-tiny.ipynb", "an older upload of leeann-34567's 01-tiny")]
    assert {str(path): reason for path, reason in collected.unplaced} == {
        "notes.txt": "not a notebook (.ipynb)",
        "random-file.ipynb": "does not follow Canvas's file naming, so it names no student"}
    import zipfile

    with zipfile.ZipFile(graded.canvas_zip) as archive:
        newest = archive.read("leeann_34567_1010_01-tiny-1.ipynb")
    placed = graded.course / "submitted/leeann-34567/01-tiny/01-tiny.ipynb"
    assert placed.read_bytes() == newest
    assert not (placed.parent / "timestamp.txt").exists()  # Canvas's zip has no times.
    assert [item.late_marker for item in sorted(collected.submissions,
                                                key=lambda item: item.student)] == [
        True, False, False]
    with Gradebook(gradebook_url(graded.course)) as gradebook:
        student = gradebook.find_student("smithjohn-12345")
        assert (student.lms_user_id, student.last_name, student.first_name) == (
            "12345", "smithjohn", None)


def test_blackboard_zip_records_each_submission_time_in_utc(graded: Term) -> None:
    collected = graded.blackboard
    assert collected.lms == "blackboard"
    assert sorted(student for student, _, _ in collected.placed) == ["alice", "bob"]
    stamps = {student: (graded.course / "submitted" / student / "01-tiny" / "timestamp.txt")
              .read_text() for student in ("alice", "bob")}
    assert stamps == {"alice": "2026-02-06 22:30:00", "bob": "2026-02-08 09:00:00"}
    assert [str(path) for path, _ in collected.replaced] == [
        "Tiny_bob_attempt_2026-02-06-20-00-00_01-tiny.ipynb"]
    assert [str(path) for path, _ in collected.unplaced] == [
        "Tiny_alice_attempt_2026-02-06-23-30-00.txt"]


def test_assign_writes_the_due_date_in_utc(graded: Term) -> None:
    with Gradebook(gradebook_url(graded.course)) as gradebook:
        assert gradebook.find_assignment(tiny.ASSIGNMENT).duedate == datetime(2026, 2, 6, 22, 59)


def test_late_penalty_in_points_at_autograde_and_in_feedback(graded: Term) -> None:
    # bob is 34 h 1 min late: 2 started days, 20 % of the 5 points autograde gave him.
    assert graded.penalty_at_autograde == {"alice": 0.0, "bob": 1.0, "doejane-23456": 0.0,
                                           "leeann-34567": 0.0, "smithjohn-12345": 0.0}
    assert "Late submission penalty (Score: -1.0)" in graded.feedback_pages["bob"]
    assert "Late submission penalty" not in graded.feedback_pages["alice"]


def test_scores_per_cell(graded: Term) -> None:
    expected = {"alice": (2, 3, 1), "bob": (2, 3, 1), "smithjohn-12345": (2, 3, 1),
                "leeann-34567": (2, 3, None), "doejane-23456": (2, 0, 0)}
    found = {student: tuple(_grade(student, grade_id, graded.course)
                            for grade_id in ("test-double", "test-triple", "reflection-tiny"))
             for student in expected}
    assert found == expected


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_grades_long_format_has_the_penalty_of_the_final_score(graded: Term) -> None:
    rows = {row["student_id"]: row for row in csv.DictReader(
        open(graded.course / "grades.csv", encoding="utf-8"))}
    # After the written answer was graded (6 points), 20 % is 1.2 points.
    bob = rows["bob"]
    assert (bob["timestamp"], bob["duedate"], bob["raw_score"], bob["late_submission_penalty"],
            bob["score"], bob["max_score"]) == ("2026-02-08 09:00:00", "2026-02-06 22:59:00",
                                                "6.0", "1.2", "4.8", "6.0")
    assert "late: bob / 01-tiny: -1.2 points" in graded.grades_output


def test_grades_for_canvas_import(graded: Term) -> None:
    assert _rows(graded.course / "grades-canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Tiny (98765)"],
        ["Points Possible", "", "", "", "", "6"],
        ["alice", "", "", "", "", "6"],
        ["bob", "", "", "", "", "4.8"],
        ["doejane", "23456", "", "", "", "2"],
        ["leeann", "34567", "", "", "", ""],
        ["smithjohn", "12345", "", "", "", "6"],
    ]
    assert ("not final: leeann-34567 / 01-tiny has answers to grade by hand"
            in graded.grades_output)
    assert "no Canvas ID for alice, bob" in graded.grades_output


def test_grades_per_question(graded: Term) -> None:
    rows = _rows(graded.course / "grades-by-question.csv")
    assert rows[0] == exports.QUESTION_COLUMNS
    assert [row for row in rows if row[1] in ("bob", "leeann-34567")] == [
        ["01-tiny", "bob", "", "", "test-double", "autograded", "2", "2"],
        ["01-tiny", "bob", "", "", "test-triple", "autograded", "3", "3"],
        ["01-tiny", "bob", "", "", "reflection-tiny", "graded by hand", "1", "1"],
        ["01-tiny", "leeann-34567", "leeann", "", "test-double", "autograded", "2", "2"],
        ["01-tiny", "leeann-34567", "leeann", "", "test-triple", "autograded", "3", "3"],
        ["01-tiny", "leeann-34567", "leeann", "", "reflection-tiny", "graded by hand", "", "1"],
    ]
    assert len(rows) == 1 + 5 * 3


def test_a_canvas_roster_adds_sis_ids_sections_and_students_without_work(
        graded: Term, tmp_path: Path) -> None:
    roster = tmp_path / "canvas-export.csv"
    roster.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Tiny (98765),Current Score\n"
        "    Points Possible,,,,,6,\n"
        "\"Smith, John\",12345,S-1,jsmith,Group A,,\n"
        "\"Lee, Ann\",34567,S-3,alee,Group B,,\n"
        "\"Roe, Rick\",45678,S-4,rroe,Group A,,\n"
        "Test Student,99999,,,,,\n", encoding="utf-8")
    table = exports.grade_table(graded.course, roster)
    out = exports.canvas_csv(table, term.read_term(graded.course), tmp_path / "canvas.csv")
    assert _rows(out)[2:] == [
        ["Smith, John", "12345", "S-1", "jsmith", "Group A", "6"],
        ["Lee, Ann", "34567", "S-3", "alee", "Group B", ""],
        ["Roe, Rick", "45678", "S-4", "rroe", "Group A", ""],
        ["alice", "", "", "", "", "6"],
        ["bob", "", "", "", "", "4.8"],
        ["doejane", "23456", "", "", "", "2"],
    ]
    assert table.without_canvas_id == ["alice", "bob"]
    assert table.not_on_roster == ["alice", "bob", "doejane-23456"]
