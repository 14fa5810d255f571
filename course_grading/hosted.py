"""Hosted runtimes (Google Colab, Kaggle, Binder): the badges and the cell that installs the course.

``add_hosted_setup(notebook, assignment)`` is called by ``release.student_edition`` for every
release notebook. It adds two cells:

* at the top, "Open in Colab" and "Open in Kaggle" badges for this notebook;
* before the first code cell, a cell that detects a hosted runtime (Colab or Kaggle) and installs
  the course package there, quietly and once per session, with the runtime's TensorFlow and
  everything TensorFlow depends on pinned at the installed versions, so that pip can add the
  course's packages but never replace them. On a local checkout (``make lab``, conda, Binder,
  nbgrader's autograde) it does nothing.

The repository's address lives in one place, pyproject.toml's ``[project.urls] Repository``, with
the branch and the release folder in ``[tool.cnn-course.hosted]``; ``make release`` writes them
into the notebooks. ``python -m course_grading.hosted readme`` prints the README's badge lines.

The install cell reads two environment variables, for tests and forks: ``COURSE_PACKAGE_SOURCE``
(what pip installs instead of the repository, e.g. a wheel) and, for detection, the variables
Colab and Kaggle set themselves (``COLAB_RELEASE_TAG``, ``KAGGLE_KERNEL_RUN_TYPE``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import nbformat
from nbformat.notebooknode import NotebookNode

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
BADGES_CELL_ID = "hosted-badges"
SETUP_CELL_ID = "hosted-setup"
SOURCE_VARIABLE = "COURSE_PACKAGE_SOURCE"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
KAGGLE_BADGE = "https://kaggle.com/static/images/open-in-kaggle.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"


@dataclass(frozen=True)
class Repository:
    """Where the public course lives: a GitHub repository, a branch and the release folder."""

    url: str
    branch: str
    notebooks: str
    package: str
    version: str

    @property
    def owner_and_name(self) -> str:
        """``owner/name`` of the GitHub repository."""
        return urlparse(self.url).path.strip("/").removesuffix(".git")

    def notebook_path(self, assignment: str) -> str:
        """The path of an assignment's release notebook inside the repository."""
        return f"{self.notebooks}/{assignment}/{assignment}.ipynb"

    def colab_url(self, assignment: str) -> str:
        return (f"https://colab.research.google.com/github/{self.owner_and_name}/blob/"
                f"{self.branch}/{self.notebook_path(assignment)}")

    def kaggle_url(self, assignment: str) -> str:
        github = f"https://github.com/{self.owner_and_name}/blob/{self.branch}/"
        return f"https://kaggle.com/kernels/welcome?src={github}{self.notebook_path(assignment)}"

    def binder_url(self) -> str:
        return (f"https://mybinder.org/v2/gh/{self.owner_and_name}/{self.branch}"
                f"?urlpath=lab/tree/{self.notebooks}")

    def pip_source(self) -> str:
        """The requirement pip installs the course from: the repository's branch."""
        return f"{self.package} @ git+{self.url.removesuffix('/')}@{self.branch}"


def repository(pyproject: Path = PYPROJECT) -> Repository:
    """Read the repository's address, branch and release folder from pyproject.toml."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    url = project.get("urls", {}).get("Repository", "")
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.netloc != "github.com" or parsed.path.count("/") < 2:
        raise ValueError(f"pyproject.toml's [project.urls] Repository should be the course's "
                         f"public GitHub address, https://github.com/owner/name; it is {url!r}.")
    hosted = data.get("tool", {}).get("cnn-course", {}).get("hosted", {})
    return Repository(url=url, branch=hosted.get("branch", "main"),
                      notebooks=hosted.get("notebooks", "notebooks"), package=project["name"],
                      version=project["version"])


def badges_markdown(assignment: str, where: Repository | None = None) -> str:
    """The Colab and Kaggle badges of one release notebook (markdown, with alt text)."""
    where = where or repository()
    return (f"[![Open in Colab]({COLAB_BADGE})]({where.colab_url(assignment)}) "
            f"[![Open in Kaggle]({KAGGLE_BADGE})]({where.kaggle_url(assignment)})")


def readme_badges(where: Repository | None = None, first: str = "01-mnist-data") -> str:
    """The README's badge line: Colab and Kaggle open the first notebook, Binder the course."""
    where = where or repository()
    return (f"[![Open in Colab]({COLAB_BADGE})]({where.colab_url(first)}) "
            f"[![Open in Kaggle]({KAGGLE_BADGE})]({where.kaggle_url(first)}) "
            f"[![Launch Binder]({BINDER_BADGE})]({where.binder_url()})")


SETUP_CELL_TEMPLATE = '''\
# @title Google Colab and Kaggle only: install the course (does nothing on your own computer)
# On Colab and Kaggle this installs the course's `helpers` package, once per session (about a
# minute), and keeps the runtime's TensorFlow, and everything TensorFlow uses, as they are.
# Anywhere else (`make lab`, conda, Binder, grading) the course is installed already.
import os
import sys

COURSE_VERSION = "{version}"
COURSE_SOURCE = os.environ.get("{variable}", "{source}")


def install_course_on_hosted_runtime() -> None:
    import importlib
    import re
    import subprocess
    import tempfile
    from importlib import metadata

    def canonical(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    try:
        if metadata.version("cnn-course") == COURSE_VERSION:
            return  # Installed earlier in this session.
    except metadata.PackageNotFoundError:
        pass
    # TensorFlow and everything it depends on stay at the installed versions.
    pins, pending = {{}}, ["tensorflow", "tensorflow-cpu", "keras"]
    while pending:
        name = canonical(pending.pop())
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if name not in pins:
            pins[name] = distribution.version
            pending += [re.match(r"[A-Za-z0-9._-]+", line).group(0)
                        for line in distribution.requires or []
                        if not re.search(r"extra\\s*==", line)]  # Optional extras: left out.
    tensorflow = pins.get("tensorflow") or pins.get("tensorflow-cpu")
    if tensorflow and tuple(int(part) for part in tensorflow.split(".")[:2]) < (2, 16):
        raise RuntimeError(f"This runtime has TensorFlow {{tensorflow}}; the course needs 2.16 or "
                           "newer (Keras 3). Choose a newer runtime (Kaggle: Settings > "
                           "Environment > Always use latest environment).")
    before = {{canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}}
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
        constraints.write("".join(f"{{name}}=={{version}}\\n" for name, version in pins.items()))
    print("Installing the course package (once per session, about a minute)...", flush=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--progress-bar", "off",
               "--disable-pip-version-check", "--constraint", constraints.name, COURSE_SOURCE]
    if not tensorflow:
        command.append("tensorflow>=2.16,<3")
    result = subprocess.run(command, capture_output=True, text=True)
    os.unlink(constraints.name)
    if result.returncode != 0:
        output = "\\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"Installing the course failed (pip exit status {{result.returncode}}):"
                           f"\\n{{output}}\\nOn Kaggle, turn on Internet (Settings > Internet) and "
                           "run this cell again. On Colab, run it again.")
    importlib.invalidate_caches()
    after = {{canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}}
    replaced = {{name for name, version in before.items() if after.get(name) != version}}
    loaded = [module for module, owners in metadata.packages_distributions().items()
              if module in sys.modules and {{canonical(owner) for owner in owners}} & replaced]
    kept = f"TensorFlow {{tensorflow}} kept" if tensorflow else "TensorFlow installed"
    print(f"Installed cnn-course {{after.get('cnn-course')}}; {{kept}}.")
    if loaded:
        print(f"Updated packages already in use ({{', '.join(sorted(loaded))}}): restart the "
              "session (Colab: Runtime > Restart session; Kaggle: Run > Restart & clear cell "
              "outputs), then run the notebook from the top.")


if ("google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ
        or "KAGGLE_KERNEL_RUN_TYPE" in os.environ):
    install_course_on_hosted_runtime()'''


def setup_cell_source(where: Repository | None = None) -> str:
    """The source of the install cell for hosted runtimes (the first code cell)."""
    where = where or repository()
    return SETUP_CELL_TEMPLATE.format(version=where.version, variable=SOURCE_VARIABLE,
                                      source=where.pip_source())


def add_hosted_setup(notebook: NotebookNode, assignment: str) -> NotebookNode:
    """Return the release notebook with the badges on top and the install cell before its first
    code cell. Calling it again replaces the two cells instead of adding more."""
    where = repository()
    cells = [cell for cell in notebook.cells
             if cell.get("id") not in (BADGES_CELL_ID, SETUP_CELL_ID)]
    badges = nbformat.v4.new_markdown_cell(badges_markdown(assignment, where))
    badges.id = BADGES_CELL_ID
    setup = nbformat.v4.new_code_cell(setup_cell_source(where))
    setup.id = SETUP_CELL_ID
    # Colab shows a cell with a `# @title` line and this view as a titled form, code folded.
    setup.metadata["cellView"] = "form"
    first_code = next((index for index, cell in enumerate(cells) if cell.cell_type == "code"),
                      len(cells))
    cells.insert(first_code, setup)
    cells.insert(0, badges)
    notebook.cells = cells
    return notebook


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments != ["readme"]:
        print("Usage: python -m course_grading.hosted readme   (prints the README's badge line)")
        return 2
    print(readme_badges())
    return 0


if __name__ == "__main__":
    sys.exit(main())
