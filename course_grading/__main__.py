"""``python -m course_grading``: the instructor commands (see course_grading.commands)."""

import sys

from course_grading.commands import main

sys.exit(main())
