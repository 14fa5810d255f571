"""The student edition: what may be made public (``make publish DEST=folder``).

    python -m course_grading.publish DEST [--no-release-check]
        Write the student edition into DEST (a new or empty folder), after checking that
        notebooks/ is what solutions/ generates; refuse, writing nothing, if anything leaks.
    python -m course_grading.publish DEST --self-study
        The same, plus answers/: every notebook with its answers (hidden tests removed), for
        a self-study edition published on purpose, in a repository of its own.
    python -m course_grading.publish check DEST
        Scan a published folder with the same rules.

This repository holds the answers and the hidden tests (solutions/), the grading corpus
(tests/) and the instructor's tools and settings (course_grading/, nbgrader_config.py): it must
stay private. The student edition holds only what students need:

* ``notebooks/``: the release (no answers, no hidden tests, no outputs);
* ``helpers/``: the notebooks' helper package (it never holds an answer);
* ``README.md``, ``Makefile`` (``make lab`` only): from ``student-edition/``;
* ``pyproject.toml`` and ``environment.yml``: written from this repository's pyproject.toml
  (its run-time dependencies and extras, without the instructor-only ones; packages: helpers);
* ``jupyter-config/student/`` (``make lab``'s settings), ``.binder/`` (when present),
  ``LICENSE`` and a ``.gitignore``.

It is written into a scratch folder beside DEST and scanned there with the release check's
rules (course_grading.markers): no file or folder of the instructor's side, no nbgrader marker,
and no line of an answer or a hidden test anywhere (as it is, reversed, or base64-encoded).
Only a clean edition is moved to DEST.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from course_grading import markers
from course_grading.course import RELEASE, ROOT, SOURCE, GradingError, normalised_cells

STUDENT_SOURCES = "student-edition"
# Dependencies and extras of pyproject.toml that only instructors (grading) and maintainers
# (tests) need.
INSTRUCTOR_EXTRAS = {"grading", "dev"}
INSTRUCTOR_ONLY = {"nbgrader", "dask", "pytest", "nbval", "ruff", "playwright", "tomli"}
# Names that must never appear in the student edition (files or folders, at any depth).
FORBIDDEN_NAMES = {SOURCE, "course_grading", "tests", "nbgrader_config.py", "gradebook.db",
                   "submitted", "autograded", "feedback", "term.toml", "reports", ".nbgrader",
                   "benchmarks", "INSTRUCTORS.md", "CONTRIBUTING.md", "instructor"}
FORBIDDEN_SUFFIXES = {".db", ".npz", ".keras", ".h5"}
MARKER_TEXTS = (markers.BEGIN_SOLUTION, markers.END_SOLUTION, markers.BEGIN_HIDDEN,
                markers.END_HIDDEN)
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".toml", ".yml", ".yaml", ".json", ".txt", ".cfg", ""}


class PublishError(GradingError):
    """Publishing stopped; the message lists what leaked or what to fix."""


def _pyproject(course: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads((course / "pyproject.toml").read_text(encoding="utf-8"))


def _package(requirement: str) -> str:
    """Return the distribution name of a requirement ("dask[distributed]>=1" gives "dask")."""
    name = requirement.strip()
    for stop in "[<>=!~;@ ":
        name = name.split(stop)[0]
    return name.lower().replace("_", "-")


def student_dependencies(course: Path) -> tuple[list[str], dict[str, list[str]]]:
    """Return the student edition's dependencies and extras, read from pyproject.toml."""
    project = _pyproject(course)["project"]
    base = [item for item in project.get("dependencies", [])
            if _package(item) not in INSTRUCTOR_ONLY]
    extras = {name: [item for item in items if _package(item) not in INSTRUCTOR_ONLY]
              for name, items in project.get("optional-dependencies", {}).items()
              if name not in INSTRUCTOR_EXTRAS}
    return base, {name: items for name, items in extras.items() if items}


def _toml_list(items: list[str], indent: str = "    ") -> str:
    return "[\n" + "".join(f"{indent}{json.dumps(item)},\n" for item in items) + "]"


def student_pyproject(course: Path) -> str:
    """Return the student edition's pyproject.toml (packages: helpers)."""
    data = _pyproject(course)
    project = data["project"]
    base, extras = student_dependencies(course)
    lines = ["# The student edition of the CNN course, written by the course's `make publish`",
             "# from its own pyproject.toml: the notebooks' run-time dependencies only.", "",
             "[build-system]",
             f"requires = {json.dumps(data['build-system']['requires'])}",
             f"build-backend = {json.dumps(data['build-system']['build-backend'])}", "",
             "[project]",
             f"name = {json.dumps(project['name'])}",
             f"version = {json.dumps(project['version'])}",
             f"description = {json.dumps(project.get('description', ''))}",
             'readme = "README.md"',
             f"requires-python = {json.dumps(project.get('requires-python', '>=3.10'))}"]
    if isinstance(project.get("license"), str):
        lines.append(f"license = {json.dumps(project['license'])}")
    lines += [f"dependencies = {_toml_list(base)}", "", "[project.optional-dependencies]"]
    lines += [f"{name} = {_toml_list(items)}" for name, items in extras.items()]
    if project.get("urls"):
        lines += ["", "[project.urls]"]
        lines += [f"{json.dumps(key)} = {json.dumps(value)}"
                  for key, value in project["urls"].items()]
    lines += ["", "[tool.setuptools]", 'packages = ["helpers"]', ""]
    return "\n".join(lines)


def student_environment(course: Path) -> str:
    """Return the student edition's environment.yml (conda), from pyproject.toml."""
    project = _pyproject(course)["project"]
    base, extras = student_dependencies(course)
    packages = base + extras.get("cpu", []) + extras.get("lab", [])
    lines = ["# Conda alternative to `make lab` (and the way on Windows, which has no make):",
             "#   conda env create -f environment.yml && conda activate cnn-course",
             "# Written by the course's `make publish` from its pyproject.toml.",
             "name: cnn-course", "channels:", "  - conda-forge", "dependencies:",
             f"  - python{project.get('requires-python', '>=3.10')}", "  - pip", "  - pip:"]
    lines += [f"      - {json.dumps(item)}" for item in packages]
    lines += ["      # The course's own helpers package (conda runs pip from this folder).",
              "      - -e .", ""]
    return "\n".join(lines)


GITIGNORE = """# Environments and caches.
.venv/
__pycache__/
*.egg-info/
.ipynb_checkpoints/
build/

# Your own copies of the notebooks (make lab).
my-work/

# Datasets and trained models.
*.npz
*.npy
*.h5
*.keras
models/
"""


def badges(course: Path) -> str | None:
    """Return the README's line of "Open in Colab/Kaggle/Binder" badges, if it has one (they
    point at the public repository, which is the student edition)."""
    readme = Path(course) / "README.md"
    for line in readme.read_text(encoding="utf-8").splitlines() if readme.is_file() else []:
        if line.startswith("[![") and "colab-badge" in line:
            return line
    return None


def student_readme(course: Path) -> str:
    """Return the student edition's README: student-edition/README.md with the badges."""
    text = (Path(course) / STUDENT_SOURCES / "README.md").read_text(encoding="utf-8")
    line = badges(course)
    if line:
        title, _, rest = text.partition("\n")
        text = f"{title}\n\n{line}\n{rest}"
    return text


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", ".ipynb_checkpoints", ".DS_Store"))


ANSWERS = "answers"
ANSWERS_NOTE = """# Answers

Every notebook of the course with its answers, for learning on your own. Try each exercise
before you look here: the notebooks in `notebooks/` check your own answers as you go.
"""


def answer_notebook(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a source notebook as a self-study answer: answers kept (markers removed), hidden
    tests removed, no outputs, no nbgrader metadata."""
    notebook = nbformat.from_dict(source)
    for cell in notebook.cells:
        cell.source = markers.without_solution_markers(markers.remove_hidden_tests(cell.source))
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return notebook


def write_answers(course: Path, target: Path) -> None:
    """Write answers/<assignment>.ipynb for every assignment (the self-study edition)."""
    folder = target / ANSWERS
    folder.mkdir()
    (folder / "README.md").write_text(ANSWERS_NOTE, encoding="utf-8")
    for path in sorted((Path(course) / SOURCE).glob("*/*.ipynb")):
        notebook = answer_notebook(nbformat.read(path, as_version=4))
        nbformat.write(notebook, folder / path.name)


def write_edition(course: Path, target: Path) -> None:
    """Write the student edition's files into ``target`` (an empty folder)."""
    course = Path(course)
    _copy_tree(course / RELEASE, target / RELEASE)
    _copy_tree(course / "helpers", target / "helpers")
    _copy_tree(course / "jupyter-config" / "student", target / "jupyter-config" / "student")
    if (course / ".binder").is_dir():
        _copy_tree(course / ".binder", target / ".binder")
    shutil.copyfile(course / STUDENT_SOURCES / "Makefile", target / "Makefile")
    (target / "README.md").write_text(student_readme(course), encoding="utf-8")
    shutil.copyfile(course / "LICENSE", target / "LICENSE")
    (target / "pyproject.toml").write_text(student_pyproject(course), encoding="utf-8")
    (target / "environment.yml").write_text(student_environment(course), encoding="utf-8")
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")


# In files other than notebooks (helpers' code, the README), a single line of an answer is
# often an ordinary line ("raise ValueError("); an answer leaks when this many of its lines
# follow each other.
ANSWER_BLOCK_LINES = 3


def secrets(course: Path) -> tuple[dict[str, set[str]], list[list[str]]]:
    """Return the course's secret lines (course_grading.markers: every line of an answer or a
    hidden test that the students' notebooks never show) and each answer's secret lines."""
    sources = [nbformat.read(path, as_version=4)
               for path in sorted((Path(course) / SOURCE).glob("*/*.ipynb"))]
    lines = markers.secret_lines_of(sources)
    answers = []
    for notebook in sources:
        for cell in notebook.cells:
            answer = [line.strip() for line in markers.solution_lines(cell.source)
                      if line.strip() in lines["solution"]]
            if len(answer) >= ANSWER_BLOCK_LINES:
                answers.append(answer)
    return lines, answers


def _answer_blocks(text: str, answers: list[list[str]]) -> list[str]:
    """Return the first lines of answers of which ANSWER_BLOCK_LINES secret lines follow each
    other in ``text`` (other lines between them, blank lines and indentation ignored)."""
    secret = {line for answer in answers for line in answer}
    written = [line.strip() for line in text.split("\n") if line.strip() in secret]
    found = []
    for answer in answers:
        for start in range(len(answer) - ANSWER_BLOCK_LINES + 1):
            block = answer[start:start + ANSWER_BLOCK_LINES]
            if any(written[index:index + ANSWER_BLOCK_LINES] == block
                   for index in range(len(written) - ANSWER_BLOCK_LINES + 1)):
                found.append(block[0])
                break
    return found


def scan(folder: Path, course: Path = ROOT, self_study: bool = False) -> list[str]:
    """Return every leak in a student edition: forbidden files, markers, secret lines.

    ``self_study``: answers are allowed (in answers/ and anywhere), hidden tests still not.
    """
    folder = Path(folder)
    found: list[str] = []
    secret, answers = secrets(course)
    if self_study:
        secret, answers = {"hidden test": secret["hidden test"]}, []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        forbidden = FORBIDDEN_NAMES.intersection(relative.parts)
        if forbidden:
            found.append(f"{relative}: instructor material ({', '.join(sorted(forbidden))})")
            continue
        if not path.is_file():
            continue
        if path.suffix in FORBIDDEN_SUFFIXES:
            found.append(f"{relative}: a {path.suffix} file (gradebooks, data and models are "
                         "never published)")
            continue
        if path.suffix not in TEXT_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".ipynb":
            # The release check's rules: no marker, no output, no line of an answer or of a
            # hidden test (as it is, reversed or base64-encoded).
            for marker in MARKER_TEXTS:
                if marker in text:
                    found.append(f"{relative}: nbgrader marker {marker!r}")
            notebook = nbformat.reads(text, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code" and cell.get("outputs"):
                    found.append(f"{relative}: a cell with outputs ({cell.source[:40]!r})")
                    break
            for kind, lines in secret.items():
                for line in markers.leaks_in_any_encoding(text, lines):
                    found.append(f"{relative}: {kind} line {line!r}")
            continue
        for line in markers.leaks_in_any_encoding(text, secret["hidden test"]):
            found.append(f"{relative}: hidden test line {line!r}")
        for line in _answer_blocks(text, answers):
            found.append(f"{relative}: an answer, starting {line!r}")
    return found


def release_drift(course: Path) -> list[str]:
    """Return the release notebooks that differ from what solutions/ generates."""
    from course_grading import release as release_tools

    drifted = []
    with tempfile.TemporaryDirectory() as scratch:
        for path in release_tools.release(Path(scratch)):
            committed = Path(course) / RELEASE / path.parent.name / path.name
            if not committed.exists() or normalised_cells(
                    nbformat.read(committed, as_version=4)) != normalised_cells(
                    nbformat.read(path, as_version=4)):
                drifted.append(str(committed.relative_to(course)))
    return drifted


def publish(dest: Path, course: Path = ROOT, check_release: bool = True,
            self_study: bool = False) -> Path:
    """Write the student edition into ``dest`` (new or empty); raise PublishError on a leak.

    ``check_release`` first checks that notebooks/ is what solutions/ generates (the release
    students get must be the one the gradebook grades). ``self_study`` adds answers/ (see the
    module docstring): never publish that into the graded edition's repository.
    """
    course, dest = Path(course).resolve(), Path(dest).resolve()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise PublishError(f"{dest} is not empty: publish into a new or empty folder (the "
                           "student edition's repository checkout, emptied of its files).")
    if dest == course or course.is_relative_to(dest) or dest.is_relative_to(course / SOURCE):
        raise PublishError(f"{dest} is inside the course's private files: choose another folder.")
    if check_release:
        drifted = release_drift(course)
        if drifted:
            raise PublishError("notebooks/ differs from what solutions/ generates: "
                               f"{', '.join(drifted)}. Run `make release` first.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{dest.name}.publishing-", dir=dest.parent))
    try:
        write_edition(course, scratch)
        if self_study:
            write_answers(course, scratch)
        leaks = scan(scratch, course, self_study)
        if leaks:
            raise PublishError("The student edition would leak instructor material; nothing was "
                               "published:\n  " + "\n  ".join(leaks[:50]))
        if dest.exists():
            dest.rmdir()
        scratch.rename(dest)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch)
    return dest


def main(argv: list[str] | None = None) -> int:
    """``python -m course_grading.publish DEST`` or ``... check DEST``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("arguments", nargs="+", metavar="[check] DEST")
    parser.add_argument("--no-release-check", action="store_true",
                        help="do not regenerate the release to compare it with notebooks/")
    parser.add_argument("--self-study", action="store_true",
                        help="add answers/ (every answer, no hidden test): a separate edition "
                             "for self-study, never the graded one")
    options = parser.parse_args(argv)
    try:
        if options.arguments[0] == "check" and len(options.arguments) == 2:
            leaks = scan(Path(options.arguments[1]), self_study=options.self_study)
            for leak in leaks:
                print(f"leak: {leak}")
            print(f"{options.arguments[1]}: {'LEAKS' if leaks else 'clean'}")
            return 1 if leaks else 0
        if len(options.arguments) != 1:
            parser.error("give one destination folder (or: check DEST)")
        dest = publish(Path(options.arguments[0]),
                       check_release=not options.no_release_check,
                       self_study=options.self_study)
    except GradingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    files = sum(1 for path in dest.rglob("*") if path.is_file())
    print(f"published the student edition to {dest} ({files} files, no leak found)")
    if options.self_study:
        print("SELF-STUDY EDITION: answers/ holds every answer. Publish it in a repository of "
              "its own, never the one graded students use.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
