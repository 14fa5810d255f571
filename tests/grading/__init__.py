"""The grading test corpus: submissions generated from the solution notebooks.

* ``mistakes``: one realistic mistake per graded exercise, keyed by assignment (data only).
* ``corpus``: builds every submission (untouched release, full solution, one per mistake, and
  hostile ones for notebook 01) with the scores each must get.

``tests/test_grading.py`` grades the corpus with the instructor commands of ``tools.grading``.
"""
