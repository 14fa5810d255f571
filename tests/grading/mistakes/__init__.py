"""Realistic answers, wrong and right, as substitutions on the solution cells of each notebook.

One module per notebook (``n01_mnist_data.py`` ... ``n06_cifar10_augmentation.py``), each with
``ASSIGNMENT`` and a list ``MISTAKES``. A ``Mistake`` replaces ``old`` by ``new`` in the solution
cell ``grade_id`` of solutions/<assignment>/<assignment>.ipynb; the corpus fails loudly when
``old`` no longer occurs there exactly once, so update the mistake when a solution changes.

What grading must do with each (tests/test_grading.py checks it, per graded cell, exactly):

* a mistake (the default) loses the points of its exercise's test cells (``cells`` names a
  subset when it breaks only some of them, for example only the edge cases) and keeps every
  other point, except ``breaks``: test cells of a later exercise whose text says it reuses this
  one (its solution cell's ``course.requires`` metadata names this exercise);
* the visible test agrees with the grade: every test cell that loses points fails its visible
  part too (the student saw the failure before submitting), and every cell that keeps its
  points passed its visible part. The exception is ``fits_visible_only``: an answer hard-coded
  to the visible example passes every visible test and must lose points only at grading;
* the failing check's message (the first failing cell's) contains ``feedback``;
* ``correct=True`` marks a right answer written another way (a float32 result where the text
  allows any float array, a loop instead of a vectorised expression): full marks, and every
  visible test passes;
* ``flags`` names what the autograde report must flag for an answer that uses a trick (the rules
  of course_grading.tamper, e.g. ``("comparison-override",)`` for a ``__eq__`` that always says
  equal); a correct answer flags nothing.

Every autograded exercise needs at least one mistake here.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """One answer, wrong unless ``correct``: a text substitution in one solution cell."""

    grade_id: str
    old: str
    new: str
    what: str
    feedback: str = ""
    cells: tuple[str, ...] | None = None
    breaks: tuple[str, ...] = ()
    fits_visible_only: bool = False
    correct: bool = False
    flags: tuple[str, ...] = ()


def _load() -> dict[str, list[Mistake]]:
    mistakes: dict[str, list[Mistake]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        mistakes.setdefault(module.ASSIGNMENT, []).extend(module.MISTAKES)
    return mistakes


MISTAKES: dict[str, list[Mistake]] = _load()
