"""pyproject.toml and environment.yml must install the same packages (issue: two setups)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent


def normalise(requirement: str) -> str:
    """Lower-case a requirement and drop its spaces and quotes, so equal specs compare equal."""
    return re.sub(r"[\s\"']", "", requirement).lower()


def pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    return {normalise(requirement) for requirement in requirements}


def environment_requirements() -> set[str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lists = [entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)]
    assert len(pip_lists) == 1, "environment.yml should have exactly one pip: section"
    return {normalise(item) for item in pip_lists[0] if not item.startswith("-e")}


def test_environment_lists_the_same_packages_as_pyproject() -> None:
    in_pyproject = pyproject_requirements()
    in_environment = environment_requirements()
    assert in_environment == in_pyproject, (
        f"Only in pyproject.toml: {sorted(in_pyproject - in_environment)}; "
        f"only in environment.yml: {sorted(in_environment - in_pyproject)}"
    )


def test_environment_python_matches_requires_python() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    python_specs = [entry for entry in environment["dependencies"]
                    if isinstance(entry, str) and entry.startswith("python")]
    assert python_specs == ["python" + project["requires-python"]]


def test_environment_installs_the_helpers_package() -> None:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(
        entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)
    )
    assert "-e ." in pip_list
