"""``python -m course_grading``: the instructor commands (see course_grading.commands)."""

import sys

from course_grading.commands import main

# Guarded: the worker processes of a local Dask cluster start by importing this module again.
if __name__ == "__main__":
    sys.exit(main())
