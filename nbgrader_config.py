"""nbgrader settings for this course (read by every `nbgrader` command run from this folder).

The repository is the course directory: `solutions/` holds the source notebooks (what
instructors edit), `notebooks/` the student release that `make release` writes from them.
"""

c = get_config()  # noqa: F821  (nbgrader provides get_config when it reads this file)

c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# The gradebook is nbgrader's default, gradebook.db (sqlite) in the folder where nbgrader
# runs; .gitignore keeps it out of the repository.

# Seconds one cell may run during autograde and validate. Notebooks switch to fast mode
# whenever nbgrader runs them (it sets NBGRADER_EXECUTION), so no cell comes near this.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
