"""A pytest plugin: every figure a notebook shows under nbval must carry alt text.

nbval already executes every source notebook once (``make test``; ``--nbval-lax`` runs each cell
and compares the outputs of cells marked ``# NBVAL_CHECK_OUTPUT``). This plugin looks at the
outputs nbval collected for each cell, so the figures are checked without executing the
notebooks a second time: a cell whose display contains an image (PNG, JPEG, SVG, GIF) without a
non-empty ``alt`` in the output's metadata fails, with the fix in the message. Figures shown
with ``plots.show("...")`` (and helpers that display their own figures) pass; ``plt.show()``
and a figure left for Jupyter to draw at the end of a cell fail.

The repository's conftest.py loads it for every nbval run; tests/test_figures.py checks that it
fails a figure without alt text and passes one with it. At the end of the run it prints how
many images it checked.
"""

from __future__ import annotations

import pytest

IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
CHECKED = pytest.StashKey[dict[str, int]]()


def images_without_alt_text(outputs: list) -> tuple[int, list[str]]:
    """Return how many images ``outputs`` hold, and a description of those without alt text."""
    count, missing = 0, []
    for output in outputs or []:
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        data = output.get("data", {}) or {}
        metadata = output.get("metadata", {}) or {}
        for mime in IMAGE_TYPES:
            if mime not in data:
                continue
            count += 1
            alt = (metadata.get(mime) or {}).get("alt") if isinstance(metadata.get(mime),
                                                                      dict) else None
            if not isinstance(alt, str) or not alt.strip():
                text = str(data.get("text/plain", ""))[:60]
                missing.append(f"{mime} {text!r}".strip())
    return count, missing


def pytest_configure(config: pytest.Config) -> None:
    config.stash[CHECKED] = {"images": 0, "cells": 0}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """After nbval ran a cell (and it passed its own checks), check its images' alt text."""
    result = yield
    outputs = getattr(item, "test_outputs", None)
    if outputs is None or not type(item).__module__.startswith("nbval"):
        return result
    count, missing = images_without_alt_text(outputs)
    if count:
        checked = item.config.stash[CHECKED]
        checked["images"] += count
        checked["cells"] += 1
    if missing:
        raise AssertionError(
            f"This cell shows {len(missing)} figure(s) without alt text: {missing}. Show every "
            "figure with plots.show(\"what the figure shows, in a sentence\") instead of "
            "plt.show() (or leaving the figure for Jupyter to draw), so that readers who cannot "
            "see it get its text alternative (CONTRIBUTING.md, 'The notebook template')."
        )
    return result


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    checked = config.stash.get(CHECKED, None)
    if checked and checked["images"]:
        terminalreporter.write_line(
            f"alt text: {checked['images']} images in {checked['cells']} notebook cells checked "
            "(tests/figure_alt_text.py)"
        )
