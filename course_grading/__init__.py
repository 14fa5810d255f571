"""Grading the CNN course with nbgrader: the instructor's commands and what nbgrader loads.

The package is installed with the course (``pip install -e .``), so that nbgrader_config.py,
the benchmark and the tests import it by name. Its modules, by reader:

* ``markers``: the rules for solution and hidden-test regions, shared by every step and the tests.
* ``course``: course folders, assignments, the gradebook's address and nbgrader runs.
* ``preprocessors``: the nbgrader preprocessors that nbgrader_config.py plugs into autograde
  and generate_feedback.
* ``release``: the student release (notebooks/) made from the sources (solutions/), and the
  stored outputs nbval compares (``python -m course_grading.release``).
* ``collecting``: downloaded submissions placed in nbgrader's submitted/ folder.
* ``commands``: the instructor commands behind ``make assign``, ``make autograde``...
  (``python -m course_grading``).
"""
