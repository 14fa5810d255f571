"""Packaging: one pip command installs the course anywhere, and its three descriptions agree.

pyproject.toml is the reference: its run-time dependencies (what the notebooks import, never
TensorFlow), and the extras `cpu`, `gpu`, `lab`, `grading` and `dev`. environment.yml (conda,
Windows) lists all of them but `gpu`; .binder/environment.yml (Binder) the run-time ones, `cpu`
and `lab`. The Makefile installs the extras that match `GPU=`.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT.get("optional-dependencies", {})
TENSORFLOW_NAMES = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel",
                    "tensorflow-macos", "tf-nightly"}
# Platforms a learner may install on (marker environments), for the TensorFlow extras.
PLATFORMS = {
    "Linux x86-64": {"sys_platform": "linux", "platform_machine": "x86_64"},
    "Linux ARM": {"sys_platform": "linux", "platform_machine": "aarch64"},
    "macOS Apple silicon": {"sys_platform": "darwin", "platform_machine": "arm64"},
    "Windows": {"sys_platform": "win32", "platform_machine": "AMD64"},
}
# Modules the notebooks or helpers import that no run-time dependency names, and why that is
# right: TensorFlow comes from an extra or the platform; the others come with it or with Jupyter.
PROVIDED_OTHERWISE = {
    "tensorflow": "the cpu or gpu extra, or the platform",
    "absl": "TensorFlow (helpers.settings quietens its logger when present)",
    "IPython": "every Jupyter kernel (and ipywidgets)",
    "google": "Google Colab's runtime (google.colab, imported only there)",
    "helpers": "this package",
}


def normalise(requirement: str) -> str:
    """Lower-case a requirement and drop its spaces and quotes, so equal specs compare equal."""
    return re.sub(r"[\s\"']", "", requirement).lower()


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(*groups: str) -> set[str]:
    """Return the normalised requirements of pyproject's groups ("base" or extra names)."""
    found: list[str] = []
    for group in groups:
        found.extend(PROJECT["dependencies"] if group == "base" else EXTRAS[group])
    return {normalise(requirement) for requirement in found}


def pip_list(path: Path) -> list[str]:
    environment = yaml.safe_load(path.read_text())
    pip_lists = [entry["pip"] for entry in environment["dependencies"] if isinstance(entry, dict)]
    assert len(pip_lists) == 1, f"{path.name} should have exactly one pip: section"
    return pip_lists[0]


def environment_requirements(path: Path) -> set[str]:
    return {normalise(item) for item in pip_list(path) if not item.startswith("-e")}


def test_environment_lists_the_same_packages_as_pyproject() -> None:
    in_pyproject = requirements("base", "cpu", "lab", "grading", "dev")
    in_environment = environment_requirements(ROOT / "environment.yml")
    assert in_environment == in_pyproject, (
        f"Only in pyproject.toml: {sorted(in_pyproject - in_environment)}; "
        f"only in environment.yml: {sorted(in_environment - in_pyproject)}"
    )


def test_environment_python_matches_requires_python() -> None:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    python_specs = [entry for entry in environment["dependencies"]
                    if isinstance(entry, str) and entry.startswith("python")]
    assert python_specs == ["python" + PROJECT["requires-python"]]


def test_environment_installs_the_helpers_package() -> None:
    assert "-e ." in pip_list(ROOT / "environment.yml")


def test_extras_are_the_documented_ones() -> None:
    assert set(EXTRAS) == {"cpu", "gpu", "lab", "grading", "dev"}


def test_base_dependencies_never_bring_tensorflow() -> None:
    """Installing the course without an extra must leave the platform's TensorFlow alone."""
    names = {canonical(Requirement(line).name) for line in PROJECT["dependencies"]}
    assert not names & TENSORFLOW_NAMES, f"TensorFlow in the base dependencies: {names}"
    for extra in ("lab", "grading", "dev"):
        extra_names = {canonical(Requirement(line).name) for line in EXTRAS[extra]}
        assert not extra_names & TENSORFLOW_NAMES, f"TensorFlow in the {extra} extra"


@pytest.mark.parametrize("extra", ["cpu", "gpu"])
@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_each_tensorflow_extra_installs_exactly_one_tensorflow(extra: str, platform: str) -> None:
    environment = PLATFORMS[platform]
    applying = [Requirement(line) for line in EXTRAS[extra]
                if Requirement(line).marker is None
                or Requirement(line).marker.evaluate(environment)]
    names = [canonical(requirement.name) for requirement in applying]
    assert len(names) == 1 and names[0] in TENSORFLOW_NAMES, (platform, names)
    chosen = applying[0]
    assert chosen.specifier == SpecifierSet(">=2.16,<3"), chosen
    if extra == "gpu" and environment["sys_platform"] == "linux":
        assert chosen.name == "tensorflow" and chosen.extras == {"and-cuda"}, chosen
    elif extra == "cpu" and platform == "Linux x86-64":
        assert chosen.name == "tensorflow-cpu"
    else:
        assert chosen.name == "tensorflow" and not chosen.extras, chosen


def imported_modules() -> dict[str, set[str]]:
    """Return every top-level module that helpers/ and the source notebooks import, with where."""
    sources: dict[str, str] = {}
    for path in sorted((ROOT / "helpers").glob("*.py")):
        sources[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        code = []
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                lines = "".join(cell["source"]).splitlines()
                # IPython magics and shell escapes are not Python.
                code.extend(line for line in lines if not line.lstrip().startswith(("%", "!")))
        sources[str(path.relative_to(ROOT))] = "\n".join(code)
    modules: dict[str, set[str]] = {}
    for where, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                modules.setdefault(name.split(".")[0], set()).add(where)
    return modules


def test_base_dependencies_are_what_the_notebooks_import() -> None:
    """Every third-party module the course imports comes from a run-time dependency (or, for
    those in PROVIDED_OTHERWISE, from TensorFlow or Jupyter), and every run-time dependency is
    imported somewhere: nothing a hosted runtime would install for nothing."""
    base = {canonical(Requirement(line).name) for line in PROJECT["dependencies"]}
    distributions = metadata.packages_distributions()
    needed: dict[str, set[str]] = {}
    for module, places in imported_modules().items():
        if module in sys.stdlib_module_names or module == "__future__":
            continue
        if module in PROVIDED_OTHERWISE:
            continue
        owners = {canonical(name) for name in distributions.get(module, [])}
        assert owners, f"{module} (imported by {sorted(places)}) is not installed here"
        assert owners & base, (
            f"{module}, imported by {sorted(places)}, comes from {sorted(owners)}, which is not a "
            "run-time dependency in pyproject.toml: add it to [project] dependencies (and to both "
            "environment files)."
        )
        for owner in owners & base:
            needed.setdefault(owner, set()).update(places)
    unused = base - set(needed)
    assert not unused, f"run-time dependencies nothing imports: {sorted(unused)}"


def test_binder_environment_is_the_run_time_with_cpu_and_lab() -> None:
    path = ROOT / ".binder" / "environment.yml"
    in_pyproject = requirements("base", "cpu", "lab")
    in_binder = environment_requirements(path)
    assert in_binder == in_pyproject, (
        f"Only in pyproject.toml: {sorted(in_pyproject - in_binder)}; "
        f"only in .binder/environment.yml: {sorted(in_binder - in_pyproject)}"
    )


def test_binder_environment_needs_nothing_from_the_repository() -> None:
    """repo2docker installs .binder/environment.yml before it copies the repository in."""
    for item in pip_list(ROOT / ".binder" / "environment.yml"):
        text = item.strip()
        assert not text.startswith(("-e", "-r", "-c", ".", "/", "file:")), text
        Requirement(text)  # A plain requirement from an index, or this raises.


def test_binder_python_is_pinned_within_requires_python() -> None:
    environment = yaml.safe_load((ROOT / ".binder" / "environment.yml").read_text())
    pins = [entry for entry in environment["dependencies"]
            if isinstance(entry, str) and entry.startswith("python")]
    # repo2docker's own pattern for the Python version (buildpacks/conda): `python=X.Y`.
    assert len(pins) == 1 and re.fullmatch(r"python=3\.\d+", pins[0]), pins
    version = pins[0].split("=")[1]
    assert SpecifierSet(PROJECT["requires-python"]).contains(version + ".0"), version


def test_binder_post_build_installs_the_course_and_nothing_else() -> None:
    path = ROOT / ".binder" / "postBuild"
    assert os.access(path, os.X_OK), "repo2docker runs postBuild only when it is executable"
    commands = [line.strip() for line in path.read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[0] == "set -euo pipefail"
    assert commands[1:] == ["python -m pip install --no-deps --no-cache-dir ."], commands


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("gpu", "extra", "removed"), [("", "cpu", None), ("0", "cpu", None),
                                                       ("1", "gpu", "tensorflow-cpu")])
def test_make_installs_the_tensorflow_extra_it_is_asked_for(tmp_path: Path, gpu: str, extra: str,
                                                            removed: str | None) -> None:
    """`make lab` / `make test` (dry run, in a scratch environment folder) install the matching
    extras, and switching to the GPU build first removes the CPU one."""
    venv = tmp_path / "venv"
    command = ["make", "--dry-run", "--always-make", "--no-print-directory", f"VENV={venv}",
               f"GPU={gpu}", f"{venv}/.installed-{extra}"]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f'-m pip install --quiet -e ".[{extra},lab,grading,dev]"' in output, output
    if removed:
        assert f"pip uninstall --quiet --yes {removed}" in output, output


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_remembers_the_gpu_build(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed-gpu").touch()
    command = ["make", "--dry-run", "--no-print-directory", f"VENV={venv}", "lab"]
    environment = {key: value for key, value in os.environ.items() if key != "GPU"}
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                            env=environment).stdout
    assert ".installed-cpu" not in output and 'pip install' not in output, output
