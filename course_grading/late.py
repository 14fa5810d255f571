"""Late work: points lost per day late, capped, through nbgrader's late-penalty step.

nbgrader's autograde runs ``AssignLatePenalties`` (listed in nbgrader_config.py), which asks a
``LateSubmissionPlugin`` for each late notebook's penalty and stores it in the gradebook;
feedback pages show it ("Late submission penalty") and ``nbgrader export`` (grades.csv) has a
``late_submission_penalty`` column. ``PerDayLatePenalty`` is the course's rule, set in
nbgrader_config.py::

    c.AssignLatePenalties.plugin_class = "course_grading.late.PerDayLatePenalty"
    c.PerDayLatePenalty.percent_per_day = 10   # of the points the notebook earned
    c.PerDayLatePenalty.max_percent = 50       # never more than this
    c.PerDayLatePenalty.grace_minutes = 0      # minutes after the due date that are not late

A day late is any part of 24 hours after the due date (and the grace minutes): 1 minute late
and 23 hours late are both one day. Due dates come from term.toml (``make assign``);
submission times from ``make collect`` (nbgrader's timestamp.txt).

nbgrader computes the penalty once, at autograde, from the score at that moment, before any
written answer is graded by hand. ``refresh_penalties`` applies the same rule again to the
current scores; ``make grades`` calls it before exporting.
"""

from __future__ import annotations

import math
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

SECONDS_PER_DAY = 24 * 60 * 60


def days_late(seconds_late: float, grace_minutes: float = 0.0) -> int:
    """Return the number of started days after the due date (0 within the grace period)."""
    seconds = float(seconds_late) - 60.0 * float(grace_minutes)
    return 0 if seconds <= 0 else math.ceil(seconds / SECONDS_PER_DAY)


def penalty_points(score: float, seconds_late: float, percent_per_day: float,
                   max_percent: float, grace_minutes: float = 0.0) -> float:
    """Return the points a late notebook loses: a share of its ``score``, rounded to 0.01."""
    percent = min(float(max_percent), float(percent_per_day) * days_late(seconds_late,
                                                                          grace_minutes))
    return round(max(0.0, float(score or 0.0)) * max(0.0, percent) / 100.0, 2)


class PerDayLatePenalty(LateSubmissionPlugin):
    """Each started day late costs ``percent_per_day`` % of the notebook's score, at most
    ``max_percent`` %."""

    percent_per_day = Float(
        10.0, help="Percent of the notebook's score lost for each started day late."
    ).tag(config=True)
    max_percent = Float(
        50.0, help="The most a late notebook loses, in percent of its score."
    ).tag(config=True)
    grace_minutes = Float(
        0.0, help="Minutes after the due date during which a submission is not late."
    ).tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float:
        """Return the penalty in points for one late notebook (nbgrader's plugin method)."""
        penalty = penalty_points(score, total_seconds_late, self.percent_per_day,
                                 self.max_percent, self.grace_minutes)
        self.log.info("%s: %s day(s) late, penalty %s of %s points", student_id,
                      days_late(total_seconds_late, self.grace_minutes), penalty, score)
        return penalty

    def describe(self) -> str:
        """Return the rule in one sentence (for reports and INSTRUCTORS.md)."""
        return (f"{self.percent_per_day:g} % of the score per started day late, at most "
                f"{self.max_percent:g} %" + (f", after {self.grace_minutes:g} minutes' grace"
                                            if self.grace_minutes else ""))


def course_config(course: Path):
    """Return the traitlets Config of a course folder's nbgrader_config.py."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    path = Path(course) / "nbgrader_config.py"
    if path.is_file():
        config.merge(PyFileConfigLoader(path.name, path=str(path.parent)).load_config())
    return config


def penalty_plugin(course: Path) -> LateSubmissionPlugin:
    """Return the late-penalty plugin that nbgrader_config.py configures for autograde."""
    from nbgrader.preprocessors import AssignLatePenalties

    config = course_config(course)
    step = AssignLatePenalties(config=config)
    return step.plugin_class(parent=step)


def refresh_penalties(course: Path, names: list[str] | None = None) -> dict[tuple[str, str],
                                                                          float]:
    """Apply the late rule again to every late submission's current score.

    Written answers graded by hand after autograde change the score that the penalty is a
    share of. Returns {(assignment, student): penalty in points} for the late submissions.
    """
    from nbgrader.api import Gradebook

    from course_grading.course import gradebook_url

    plugin = penalty_plugin(course)
    penalties: dict[tuple[str, str], float] = {}
    with Gradebook(gradebook_url(course)) as gradebook:
        for assignment in gradebook.assignments:
            if names and assignment.name not in names:
                continue
            for submission in assignment.submissions:
                seconds = submission.total_seconds_late or 0
                total = 0.0
                for notebook in submission.notebooks:
                    if seconds <= 0:
                        notebook.late_submission_penalty = None
                        continue
                    score = float(notebook.score or 0.0)
                    penalty = plugin.late_submission_penalty(submission.student.id, score,
                                                             seconds)
                    penalty = None if penalty is None else min(max(0.0, penalty), score)
                    notebook.late_submission_penalty = penalty
                    total += penalty or 0.0
                if seconds > 0:
                    penalties[(assignment.name, submission.student.id)] = round(total, 2)
        gradebook.db.commit()
    return penalties
