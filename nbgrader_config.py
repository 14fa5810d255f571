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

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A test cell that a student deleted is put back (and run) during autograde; an edited one is
# always restored from the gradebook. Either way the tests grade the submission.
c.OverwriteCells.add_missing_cells = True
# Outputs kept per cell in autograded notebooks and feedback: lines (nbgrader's LimitOutput)
# and characters per output (LimitOutputSize, for one enormous line).
c.LimitOutput.max_lines = 1000
c.LimitOutputSize.max_characters = 20_000

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
# installed with the course). RecoveringExecute keeps grading after a cell kills the kernel
# (nbgrader would fail the whole submission) and proves that each test cell ran to its end
# (course_grading.integrity); LimitOutputSize cuts huge outputs; StderrIsNotAFailure keeps a
# warning printed in a test cell from costing the points (nbgrader scores any stderr 0).
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
# Feedback: nbgrader renders the autograded notebook, hidden tests included. HideTestCode
# keeps, for each test cell, its visible code and one line: passed or failed, with the check's
# message; the outputs of other cells (tracebacks through the instructor's files, anything a
# submission printed while the hidden tests ran) are not shown.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course_grading.preprocessors.HideTestCode",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
