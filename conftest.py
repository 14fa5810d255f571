"""pytest set-up for the whole repository, the source notebooks (nbval) included.

tests/conftest.py serves the tests under tests/; this file is loaded for every path, so the
plugin that checks the alt text of every figure nbval's executed cells show
(tests/figure_alt_text.py) sees the notebooks in solutions/ too.
"""

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

pytest_plugins = ["figure_alt_text"]
