"""nbgrader settings for this course (read by every `nbgrader` command run from this folder).

The repository is the course directory: `solutions/` holds the source notebooks (what
instructors edit), `notebooks/` the student release that `make release` writes from them.
INSTRUCTORS.md explains the grading workflow these settings serve.
"""

import importlib.util
import sys
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


def _grading_tools_folder() -> Path:
    """Return the repository that holds tools/grading.py: this folder, or, when this file was
    copied into a scratch course folder, the checkout the installed `helpers` package is in."""
    if (COURSE_ROOT / "tools" / "grading.py").is_file():
        return COURSE_ROOT
    spec = importlib.util.find_spec("helpers")
    if spec is None or spec.origin is None:
        raise ImportError("nbgrader_config.py needs the course's tools/grading.py: run nbgrader "
                          "from the course folder, in the course environment (make lab).")
    return Path(spec.origin).resolve().parent.parent


if str(_grading_tools_folder()) not in sys.path:
    sys.path.insert(0, str(_grading_tools_folder()))

# Autograde: nbgrader's steps, with three of the course's own (tools/grading.py):
# RecoveringExecute keeps grading after a cell kills the kernel (nbgrader would fail the
# whole submission), LimitOutputSize cuts huge outputs, and StderrIsNotAFailure keeps a
# warning printed in a test cell from costing the points (nbgrader scores any stderr 0).
c.Autograde.autograde_preprocessors = [
    "tools.grading.RecoveringExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "tools.grading.LimitOutputSize",
    "tools.grading.StderrIsNotAFailure",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Feedback: nbgrader renders the autograded notebook, hidden tests included. HideTestCode
# removes them, and the test code quoted in tracebacks, before the page is written.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "tools.grading.HideTestCode",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
