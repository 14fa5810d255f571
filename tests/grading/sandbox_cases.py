"""Submissions that attack the machine grading them (the sandbox's corpus; issue 12).

``SANDBOX`` maps student ids to makers like those of hostile.py; they are graded with
``SANDBOX_ASSIGNMENT``. (To be written.)
"""

from __future__ import annotations

SANDBOX_ASSIGNMENT = "01-mnist-data"
SANDBOX: dict = {}
