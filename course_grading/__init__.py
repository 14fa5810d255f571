"""Grading the CNN course with nbgrader: the instructor's commands and what nbgrader loads.

The package is installed with the course (``pip install -e .``), so that nbgrader_config.py,
the benchmark and the tests import it by name. Its modules, by reader:

* ``markers``: the rules for solution and hidden-test regions, shared by every step and the tests.
* ``course``: course folders, assignments, the gradebook's address and nbgrader runs.
* ``preprocessors``: the nbgrader preprocessors that nbgrader_config.py plugs into autograde
  and generate_feedback (execution in the sandbox with recovery, output limits, feedback).
* ``sandbox``: the bubblewrap sandbox every submission's kernel runs in.
* ``execution``: a submission prepared (nbgrader's sanitize step), executed anywhere, and
  stored for nbgrader to score: what parallel and distributed grading are made of.
* ``scheduler``: execution tasks run one at a time, on a local Dask cluster or on a Dask
  cluster's workers, with progress.
* ``release``: the student release (notebooks/) made from the sources (solutions/), and the
  stored outputs nbval compares (``python -m course_grading.release``).
* ``collecting``: downloaded submissions placed in nbgrader's submitted/ folder.
* ``term``: the term's settings (term.toml: due dates, time zone, LMS columns).
* ``lms``: LMS file names; nbgrader's zip_collect collector and extractor plugins.
* ``late``: the per-day late rule (a LateSubmissionPlugin).
* ``exports``: grades for the LMS (Canvas CSV, per-question CSV).
* ``publish``: the student edition (``make publish``).
* ``self_check`` and ``hosted``: the cells the release adds (a self-check at the end, the setup
  for Colab and Kaggle at the top).
* ``integrity``, ``repair`` and ``tamper``: proofs that tests ran, metadata set back to the
  gradebook's, and the tamper report.
* ``commands``: the instructor commands behind ``make assign``, ``make autograde``...
  (``python -m course_grading``).
"""
