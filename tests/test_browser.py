"""The two JupyterLab views in a real browser: `make lab` (students) and `make formgrader`.

Headless Chromium from the system's packages (Debian: ``apt-get install chromium``), driven
by Playwright (``pip install playwright``; its own browser download is never used). The tests
skip, saying why, when either is missing. Screenshots go to ``$BROWSER_SCREENSHOTS`` (default:
a temporary folder printed at the end of the run).

* Students: `make lab` (a scratch workspace, a copy of the release) opens START-HERE.md, with
  no nbgrader menu, Formgrader, Create Assignment, course list, Assignments tab or Validate
  button, and no news prompt; a notebook opened from the start page ends with the self-check;
  saving it changes the student's copy and nothing in the release.
* Instructors: the command `make formgrader` runs (as root too), started in a scratch course,
  has the Nbgrader menu and the Create Assignment panel, and its Formgrader page loads and
  lists the course's assignment.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiny_course as tiny

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 180

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None,
                       reason="Playwright is not installed: .venv/bin/pip install playwright"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (or set "
                              "CHROMIUM to a Chromium binary)"),
]


def free_port() -> int:
    with socket.socket() as handle:
        handle.bind(("127.0.0.1", 0))
        return handle.getsockname()[1]


class Server:
    """A JupyterLab server started by a command, stopped with its whole process group."""

    def __init__(self, command: list[str], cwd: Path, port: int, token: str, log: Path) -> None:
        self.port, self.token, self.log = port, token, log
        self.handle = open(log, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop().
        # The Makefile puts the environment's tools first on PATH (nbgrader runs `alembic`).
        environment = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}"
                                             f"{os.environ.get('PATH', '')}"}
        self.process = subprocess.Popen(command, cwd=cwd, stdout=self.handle, env=environment,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.url("/api/status"), timeout=5)
                return
            except OSError:
                time.sleep(1)
        self.stop()
        raise RuntimeError(f"no server after {STARTUP_SECONDS} s: {log.read_text()[-3000:]}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}?token={self.token}"

    def status(self, path: str) -> int:
        try:
            return urllib.request.urlopen(self.url(path), timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.handle.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory, summary_lines) -> Path:
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    summary_lines.append(f"browser screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def make_command(target: str, **variables: str) -> list[str]:
    """Return the command line a Makefile target runs (``make -n``), as arguments for bash."""
    arguments = [f"{key}={value}" for key, value in variables.items()]
    printed = subprocess.run(["make", "--no-print-directory", "-n", target, *arguments],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    lines = printed.replace("\\\n", " ").splitlines()
    command = [line for line in lines if "jupyter lab" in line]
    assert len(command) == 1, printed
    return ["bash", "-c", command[0]]


def open_lab(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url)
    page.wait_for_selector("#jp-main-dock-panel", timeout=120_000)
    page.wait_for_selector(".lm-DockPanel-tabBar .lm-TabBar-tab", timeout=60_000)
    return page


def labels(page, selector: str) -> list[str]:
    return [item.inner_text().strip() for item in page.locator(selector).all()]


def activate_tab(page, name: str, seconds: float = 60) -> None:
    """Click a document's tab until it is the current one (clicks can land while JupyterLab is
    still attaching the document, on a loaded machine)."""
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name)
    current = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current", has_text=name)
    tab.wait_for(timeout=seconds * 1000)
    deadline = time.monotonic() + seconds
    while current.count() == 0 and time.monotonic() < deadline:
        tab.click()
        time.sleep(1)
    assert current.count() == 1, f"{name} did not become the current tab"


@pytest.fixture(scope="module")
def student_server(tmp_path_factory) -> Iterator[tuple[Server, Path]]:
    work = tmp_path_factory.mktemp("student")
    workspace = work / "my-work"
    # A copy of the release (others may regenerate notebooks/ meanwhile in a shared checkout):
    # make lab must write nothing into the release it reads.
    release = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", release)
    port, token = free_port(), secrets.token_hex(16)
    before = digests(release)
    # A fresh JupyterLab layout (not the one this user last left open).
    layouts = work / "layouts"
    # The environment exists (these tests run in it): never let make reinstall it here.
    keep = [f"--old-file={stamp}" for stamp in (ROOT / ".venv").glob(".installed-*")]
    server = Server(["make", "--no-print-directory", *keep, "lab", f"WORKSPACE={workspace}",
                     f"RELEASE={release}",
                     f"LAB_ARGS=--no-browser --port={port} --IdentityProvider.token={token} "
                     f"--LabApp.workspaces_dir={layouts}"],
                    ROOT, port, token, work / "lab.log")
    yield server, workspace
    server.stop()
    assert digests(release) == before, "make lab changed files of the release"


def test_students_see_their_start_page_and_no_instructor_tools(
        student_server, browser, screenshots) -> None:
    server, workspace = student_server
    assert server.status("/formgrader") == 404
    assert server.status("/formgrader/api/assignments") == 404
    page = open_lab(browser, server.url("/"))
    page.wait_for_selector(".jp-RenderedMarkdown h1", timeout=60_000)
    time.sleep(3)  # Let late plugins (a news prompt, nbgrader's panels) appear if they would.
    page.screenshot(path=screenshots / "student-start-page.png")
    assert labels(page, ".lm-DockPanel-tabBar .lm-TabBar-tabLabel") == ["START-HERE.md"]
    assert page.locator(".jp-RenderedMarkdown h1").first.inner_text() == "Start here"
    menus = labels(page, "#jp-menu-panel .lm-MenuBar-itemLabel")
    assert menus == ["File", "Edit", "View", "Run", "Kernel", "Tabs", "Settings", "Help"]
    panels = [tab.get_attribute("title") or "" for tab in
              page.locator(".jp-SideBar .lm-TabBar-tab").all()]
    assert not [title for title in panels if "nbgrader" in title.lower()
                or "assignment" in title.lower() or "course" in title.lower()], panels
    assert page.locator(".Toastify__toast").count() == 0, "a notification (news?) appeared"
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="View").click()
    view_menu = labels(page, ".lm-Menu-itemLabel")
    page.keyboard.press("Escape")
    assert not [item for item in view_menu if "ssignment" in item or "ormgrader" in item]


def test_the_start_page_links_the_students_own_copy_and_saving_writes_there(
        student_server, browser, screenshots) -> None:
    server, workspace = student_server
    copy = workspace / "01-mnist-data" / "01-mnist-data.ipynb"
    before = copy.read_bytes()
    page = open_lab(browser, server.url("/"))
    link = page.locator(".jp-RenderedMarkdown a", has_text="01 ·").first
    link.wait_for(timeout=60_000)
    target = urllib.parse.urlparse(link.get_attribute("href") or "").path
    assert target.endswith("/01-mnist-data/01-mnist-data.ipynb"), target
    page.close()
    # Opened by its address (a click on the link opens it too, but which tab JupyterLab shows
    # afterwards varies on a loaded machine).
    page = open_lab(browser, server.url("/lab/tree/01-mnist-data/01-mnist-data.ipynb"))
    activate_tab(page, "01-mnist-data.ipynb")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell >> visible=true", timeout=60_000)
    time.sleep(3)
    page.screenshot(path=screenshots / "student-notebook.png")
    toolbar = page.locator(".jp-NotebookPanel-toolbar >> visible=true")
    toolbar.wait_for(timeout=60_000)
    assert "Validate" not in toolbar.inner_text()
    assert toolbar.locator("[data-command='nbgrader:validate-assignment']").count() == 0
    # The page shows the student's copy, which ends with the self-check (JupyterLab draws only
    # the cells in view, so the served file is read).
    served = json.loads(urllib.request.urlopen(
        server.url("/api/contents/01-mnist-data/01-mnist-data.ipynb"), timeout=30).read())
    assert "progress.report" in served["content"]["cells"][-1]["source"]
    # A student's edit: a new cell below the first one, typed in, then saved.
    page.locator(".jp-NotebookPanel .jp-Cell >> visible=true").first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    time.sleep(1)
    page.keyboard.press("Enter")
    page.keyboard.type("note = 'my own work'")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 60
    while b"my own work" not in copy.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert b"my own work" in copy.read_bytes(), "saving did not write the student's copy"
    assert copy.read_bytes() != before


@pytest.fixture(scope="module")
def instructor_server(tmp_path_factory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("instructor")
    course = tiny.make_course(work / "course")
    port, token = free_port(), secrets.token_hex(16)
    command = make_command("formgrader", VENV=str(ROOT / ".venv"),
                           LAB_ARGS=f"--no-browser --port={port} "
                                    f"--IdentityProvider.token={token} "
                                    f"--LabApp.workspaces_dir={work / 'layouts'}")
    if os.geteuid() == 0:
        assert "--allow-root" in command[-1]
    server = Server(command, course, port, token, work / "formgrader.log")
    yield server
    server.stop()


def test_instructors_get_the_formgrader(instructor_server, browser, screenshots) -> None:
    page = open_lab(browser, instructor_server.url("/"))
    menus = labels(page, "#jp-menu-panel .lm-MenuBar-itemLabel")
    assert "Nbgrader" in menus
    panels = [tab.get_attribute("title") or "" for tab in
              page.locator(".jp-SideBar .lm-TabBar-tab").all()]
    assert any("Create Assignment" in title for title in panels), panels
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Formgrader").first.click()
    frame = page.frame_locator("iframe").first
    frame.locator("text=Manage Assignments").first.wait_for(timeout=120_000)
    frame.locator("td", has_text=tiny.ASSIGNMENT).first.wait_for(timeout=120_000)
    time.sleep(2)
    page.screenshot(path=screenshots / "instructor-formgrader.png")
    assert page.locator(".Toastify__toast").count() == 0
