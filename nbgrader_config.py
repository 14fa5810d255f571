"""nbgrader settings for this course (read by every `nbgrader` command run from this folder).

The repository is the course directory: `solutions/` holds the source notebooks (what
instructors edit), `notebooks/` the student release that `make release` writes from them.
INSTRUCTORS.md explains the grading workflow these settings serve.
"""

from pathlib import Path

c = get_config()  # noqa: F821  (nbgrader provides get_config when it reads this file)

COURSE_ROOT = Path(__file__).resolve().parent

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# The instructor's gradebook: gradebook.db (sqlite) in the course folder, next to this file,
# whichever folder nbgrader is started from. .gitignore keeps it (and submitted/, autograded/,
# feedback/) out of the repository; back it up, it is the only record of manual grades.
c.CourseDirectory.root = str(COURSE_ROOT)
c.CourseDirectory.db_url = f"sqlite:///{COURSE_ROOT / 'gradebook.db'}"

# Seconds one cell may run during autograde and validate. Notebooks switch to fast mode
# whenever nbgrader runs them (it sets NBGRADER_EXECUTION), so no cell comes near this; a cell
# that does (an endless loop) is interrupted and scores 0, and the next cells still run.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# Seconds to wait, after a cell finished, for the outputs still on their way (nbclient's default
# of 4 s fails a cell that printed a lot, answers right or wrong).
c.Execute.iopub_timeout = 30

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A test cell that a student deleted is put back (and run) during autograde; an edited one is
# always restored from the gradebook. Either way the tests grade the submission.
c.OverwriteCells.add_missing_cells = True
# Outputs kept in autograded notebooks (course_grading.preprocessors.OutputLimits), whether a
# cell prints once or a thousand times: 20,000 characters and 1000 lines per text (a cell's
# printed output, a value shown, a traceback), 1,000,000 characters and 200 outputs per cell,
# 4,000,000 characters per notebook. Applied while the outputs arrive and again when saved.
c.OutputLimits.text_characters = 20_000
c.OutputLimits.text_lines = 1000
c.OutputLimits.cell_characters = 1_000_000
c.OutputLimits.cell_outputs = 200
c.OutputLimits.notebook_characters = 4_000_000

# The sandbox every submission runs in (course_grading.sandbox, bubblewrap; INSTRUCTORS.md,
# "The sandbox"): no network, no course files but helpers/ and the data, read-only; a private
# scratch of 512 MiB; per process 6 GiB of address space (TensorFlow reserves more than it
# uses), 256 processes and threads, files of at most 256 MiB, 20 CPU minutes; 15 minutes per
# notebook. `make autograde UNSAFE=1` (c.Sandbox.unsafe_no_sandbox) runs without it.
c.Sandbox.memory_bytes = 6 * 2**30
c.Sandbox.processes = 256
c.Sandbox.file_bytes = 256 * 2**20
c.Sandbox.scratch_bytes = 512 * 2**20
c.Sandbox.cpu_seconds = 1200
c.RecoveringExecute.notebook_seconds = 900
c.RecoveringExecute.max_kernel_restarts = 3

# Reading a submission: the cells' nbgrader metadata is first set back to the gradebook's
# (RepairCellMetadata: a renamed or re-marked cell would otherwise fail the whole notebook),
# then nbgrader's own steps restore the test cells.
c.Autograde.sanitize_preprocessors = [
    "course_grading.repair.RepairCellMetadata",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Autograde: nbgrader's steps, with three of the course's own (course_grading.preprocessors,
# installed with the course). RecoveringExecute runs the notebook in the sandbox, keeps grading
# after a cell kills the kernel (nbgrader would fail the whole submission) and proves that each
# test cell ran to its end (course_grading.integrity); `python -m course_grading autograde`
# executes submissions in parallel first and RecoveringExecute then replays their outputs.
# LimitOutputSize cuts huge outputs; StderrIsNotAFailure keeps a warning printed in a test
# cell from costing the points (nbgrader scores any stderr 0).
c.Autograde.autograde_preprocessors = [
    "course_grading.preprocessors.RecoveringExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "course_grading.preprocessors.LimitOutputSize",
    "course_grading.preprocessors.StderrIsNotAFailure",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Late work (course_grading.late): each started day after the due date (term.toml, written by
# `make assign`) costs 10 % of the notebook's score, at most 50 %. Set percent_per_day to 0 to
# leave late penalties to the LMS.
c.AssignLatePenalties.plugin_class = "course_grading.late.PerDayLatePenalty"
c.PerDayLatePenalty.percent_per_day = 10
c.PerDayLatePenalty.max_percent = 50
c.PerDayLatePenalty.grace_minutes = 0
# Feedback: nbgrader renders the autograded notebook, hidden tests included. HideTestCode
# keeps, for each test cell, its visible code and one line: passed or failed, with the check's
# message; the outputs of other cells (tracebacks through the instructor's files, anything a
# submission printed while the hidden tests ran) are not shown.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course_grading.preprocessors.HideTestCode",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
