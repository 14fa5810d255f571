"""The sandbox every submission's code runs in during grading (bubblewrap, Linux).

A student's notebook is code the grader did not write: it may be wrong, hostile or both. Its
kernel runs inside a `bubblewrap <https://github.com/containers/bubblewrap>`_ sandbox
(Debian's ``bubblewrap`` package, ``/usr/bin/bwrap``) that sees only

* the system's programs and libraries (``/usr``, ``/etc``) and the course's Python environment,
  read-only;
* the course's ``helpers`` package and the dataset folder (``COURSE_DATA_DIR``, or Keras's
  cache), read-only;
* a working folder holding the files released with the notebook (read-only), on a private,
  size-limited scratch file system together with ``$HOME``, ``/tmp`` and ``/dev/shm``;
* one private folder of the grader's holding the kernel's sockets, which the kernel can no
  longer write to once it has started;

and has no network (a new network namespace), its own process and IPC namespaces, and limits
on memory (per process), processes, file size and CPU time (``prlimit``). Run as root (a CI
machine, a grading server), the kernel also drops to an unused user id of its own, so the
process limit counts only its own processes and no file of the grader's is writable; run as a
normal user, bubblewrap maps the user into a new user namespace instead.

Not protected (INSTRUCTORS.md says so too): memory is limited per process, not per sandbox, so
many processes that each fill memory up to the limit can still exhaust the machine; CPU is
shared with the grader; the notebook can read the whole Python environment and the files the
sandbox shows (``/etc`` included, with the permissions of an unprivileged user).

``Sandbox`` holds the settings (``c.Sandbox.*`` in nbgrader_config.py);
``SandboxedKernelManager`` is the Jupyter kernel manager that starts a kernel inside it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Dict, Instance, Integer, Unicode
from traitlets.config import Configurable

# Where the sandbox puts the student's home, work folder and temporary files.
SANDBOX_HOME = "/home/student"
# Environment variables passed into the sandbox (names, or prefixes ending in "_").
PASSED_VARIABLES = ("COURSE_", "NBGRADER_", "KERAS_BACKEND", "TF_CPP_", "OMP_", "MKL_",
                    "OPENBLAS_", "NUMPY_MADVISE_HUGEPAGE", "PYTHONHASHSEED", "LANG", "LC_ALL",
                    "TZ")
# Run-folder and user-id locks of the sandboxes on this machine.
LOCK_FOLDER = Path(tempfile.gettempdir()) / "course-grading-sandboxes"
GIBIBYTE = 2**30
MEBIBYTE = 2**20


class SandboxUnavailableError(RuntimeError):
    """No sandbox can be started here; the message says what to do."""


class Sandbox(Configurable):
    """Settings of the sandbox student code runs in (``c.Sandbox.*`` in nbgrader_config.py)."""

    unsafe_no_sandbox = Bool(
        False,
        help="Run student code WITHOUT a sandbox, with the grader's rights, in the course folder. "
             "Only for trusted notebooks on a machine without bubblewrap (macOS); every report "
             "then says so. (`make autograde UNSAFE=1`, `--unsafe-no-sandbox`.)",
    ).tag(config=True)

    bwrap = Unicode("bwrap", help="The bubblewrap program.").tag(config=True)

    memory_bytes = Integer(
        6 * GIBIBYTE,
        help="Address space of each process in the sandbox (RLIMIT_AS), in bytes. TensorFlow "
             "reserves more than it uses: notebook 06 needs about 3.5 GiB in fast mode.",
    ).tag(config=True)

    processes = Integer(
        256, help="Processes and threads the sandbox's user may run at once (RLIMIT_NPROC)."
    ).tag(config=True)

    file_bytes = Integer(
        256 * MEBIBYTE, help="Largest file the sandbox may write (RLIMIT_FSIZE), in bytes."
    ).tag(config=True)

    scratch_bytes = Integer(
        512 * MEBIBYTE,
        help="Size of the private scratch file system ($HOME, the work folder), in bytes. It "
             "lives in memory (tmpfs); /tmp gets as much again, /dev/shm a eighth.",
    ).tag(config=True)

    cpu_seconds = Integer(
        1200, help="CPU seconds each process in the sandbox may use (RLIMIT_CPU)."
    ).tag(config=True)

    first_user_id = Integer(
        61000,
        help="As root: the first of the unused user ids sandboxes run as (one per sandbox "
             "running at the same time on this machine).",
    ).tag(config=True)

    user_ids = Integer(1000, help="As root: how many user ids from first_user_id.").tag(
        config=True)

    extra_read_only = Dict(
        {}, help="More host folders to show read-only: {host path: path in the sandbox}."
    ).tag(config=True)

    def check(self) -> None:
        """Raise SandboxUnavailableError, saying what to do, when no sandbox can start here."""
        if self.unsafe_no_sandbox:
            return
        problem = sandbox_problem(self.bwrap)
        if problem:
            raise SandboxUnavailableError(
                f"Student code runs only in a sandbox, and none can start here: {problem} "
                "On Debian or Ubuntu install it with `sudo apt-get install bubblewrap` "
                "(INSTRUCTORS.md, 'The sandbox'). To grade trusted notebooks without a sandbox "
                "(with your rights, in the course folder) pass --unsafe-no-sandbox "
                "(make autograde UNSAFE=1).")

    def limits(self) -> dict[str, int]:
        """Return the limits as a dict (for reports and for workers elsewhere)."""
        return {"memory_bytes": self.memory_bytes, "processes": self.processes,
                "file_bytes": self.file_bytes, "scratch_bytes": self.scratch_bytes,
                "cpu_seconds": self.cpu_seconds}


_PROBLEMS: dict[str, str | None] = {}


def sandbox_problem(bwrap: str = "bwrap") -> str | None:
    """Return why no sandbox can start on this machine, or None when one can (cached)."""
    if bwrap in _PROBLEMS:
        return _PROBLEMS[bwrap]
    problem = None
    program = shutil.which(bwrap)
    if not sys.platform.startswith("linux"):
        problem = f"bubblewrap runs on Linux only, and this is {sys.platform}."
    elif program is None:
        problem = f"the bubblewrap program ({bwrap}) is not installed."
    elif os.geteuid() == 0 and (shutil.which("setpriv") is None or shutil.which("prlimit") is None):
        problem = "setpriv and prlimit (Debian's util-linux) are missing."
    elif "--size" not in subprocess.run([program, "--help"], capture_output=True, text=True,
                                        check=False).stdout:
        problem = f"{program} is too old (no --size option; bubblewrap 0.8 is known to work)."
    else:
        probe = [program, *_namespace_options(), "--ro-bind", "/", "/", "--proc", "/proc",
                 "--dev", "/dev", "--", "true"]
        result = subprocess.run(probe, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            problem = (f"bubblewrap is installed but cannot create a sandbox here "
                       f"({result.stderr.strip()[:300]}). Unprivileged user namespaces may be "
                       "disabled (sysctl kernel.unprivileged_userns_clone=1).")
    _PROBLEMS[bwrap] = problem
    return problem


def _namespace_options() -> list[str]:
    """Return bubblewrap's namespace options: as root everything but the user namespace (a
    mapped root would keep ignoring RLIMIT_NPROC; the kernel drops to its own uid instead)."""
    common = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
              "--unshare-cgroup-try", "--die-with-parent"]
    if os.geteuid() == 0:
        return common
    return ["--unshare-user", *common]


def _parents(path: str) -> list[str]:
    """Return options that create every parent folder of ``path`` with mode 0755 (bubblewrap
    would copy the real folders' modes: /root is 0700, and the sandbox's user must pass)."""
    options: list[str] = []
    parts = Path(path).parts[1:-1]
    for count in range(1, len(parts) + 1):
        options += ["--perms", "0755", "--dir", "/" + "/".join(parts[:count])]
    return options


def _read_only(host: str, inside: str | None = None) -> list[str]:
    inside = inside or host
    return [*_parents(inside), "--ro-bind", host, inside]


class _UserIdLock:
    """An unused user id, held (flock) for as long as one sandbox runs on this machine."""

    def __init__(self, first: int, count: int) -> None:
        LOCK_FOLDER.mkdir(mode=0o700, exist_ok=True)
        for user_id in range(first, first + count):
            handle = open(LOCK_FOLDER / f"uid-{user_id}.lock", "a")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.user_id, self._handle = user_id, handle
            return
        raise SandboxUnavailableError(f"All {count} sandbox user ids from {first} are in use.")

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()


def _passed_environment(data_folder: str | None) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items()
                   if name.startswith(PASSED_VARIABLES)}
    bin_folder = str(Path(sys.executable).parent)
    environment.update({
        "PATH": f"{bin_folder}:/usr/local/bin:/usr/bin:/bin",
        "HOME": SANDBOX_HOME,
        "TMPDIR": "/tmp",
        "MPLCONFIGDIR": f"{SANDBOX_HOME}/.config/matplotlib",
        "KERAS_HOME": f"{SANDBOX_HOME}/.keras",
        "PYTHONNOUSERSITE": "1",
        "LANG": environment.get("LANG", "C.UTF-8"),
    })
    if data_folder:
        environment["COURSE_DATA_DIR"] = data_folder
    return environment


def _environment_roots() -> list[str]:
    """Return the folders the course's Python needs: its prefixes (a virtual environment and
    the Python it was made from) and where the helpers package lives."""
    import helpers

    roots = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix),
             os.path.realpath(sys.exec_prefix), os.path.realpath(sys.base_exec_prefix),
             str(Path(helpers.__file__).resolve().parent)}
    # The interpreter may be a symbolic link into another prefix (pyenv, conda).
    roots.add(str(Path(os.path.realpath(sys.executable)).parent.parent))
    return sorted(roots)


def bwrap_command(sandbox: Sandbox, command: list[str], *, run_folder: str, work_folder: str,
                  released: Iterable[Path] = (), user_id: int | None = None) -> list[str]:
    """Return ``command`` wrapped so that it runs inside the sandbox (see the module docstring).

    ``run_folder`` (the kernel's sockets and connection file) is the one host folder bound
    writable; ``released`` files are shown read-only in ``work_folder`` (inside the sandbox),
    where the command starts.
    """
    # The shell makes bubblewrap ignore SIGINT: an interrupt goes to the kernel's whole process
    # group, and bubblewrap would otherwise die of it and take the kernel along. The kernel
    # sets its own SIGINT handler, so it is still interrupted.
    options = ["/bin/sh", "-c", 'trap "" INT; exec "$0" "$@"', sandbox.bwrap,
               *_namespace_options(), "--clearenv"]
    options += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            options += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            options += ["--ro-bind", str(path), str(path)]
    options += ["--ro-bind", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev"]
    for root in _environment_roots():
        if not root.startswith(("/usr/", "/etc/")) and Path(root).is_dir():
            options += _read_only(root)
    for host, inside in sandbox.extra_read_only.items():
        options += _read_only(str(host), str(inside))
    size = str(sandbox.scratch_bytes)
    options += ["--perms", "01777", "--size", size, "--tmpfs", "/tmp",
                "--perms", "01777", "--size", str(max(sandbox.scratch_bytes // 8, MEBIBYTE)),
                "--tmpfs", "/dev/shm",
                "--perms", "0755", "--dir", "/home",
                "--perms", "01777", "--size", size, "--tmpfs", SANDBOX_HOME,
                "--perms", "01777", "--dir", work_folder,
                "--perms", "01777", "--dir", f"{SANDBOX_HOME}/.config"]
    data_folder = os.environ.get("COURSE_DATA_DIR", "").strip() or None
    if data_folder and Path(data_folder).is_dir():
        data_folder = os.path.realpath(data_folder)
        options += _read_only(data_folder)
    keras_cache = Path.home() / ".keras" / "datasets"
    if keras_cache.is_dir():
        options += _read_only(str(keras_cache), f"{SANDBOX_HOME}/.keras/datasets")
    for path in released:
        options += ["--ro-bind", str(path), f"{work_folder}/{path.name}"]
    options += [*_parents(run_folder + "/x"), "--bind", run_folder, run_folder]
    for name, value in sorted(_passed_environment(data_folder).items()):
        options += ["--setenv", name, value]
    options += ["--chdir", work_folder, "--"]
    if user_id is not None:
        options += ["setpriv", f"--reuid={user_id}", f"--regid={user_id}", "--clear-groups",
                    "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all"]
    options += ["prlimit", f"--as={sandbox.memory_bytes}", f"--nproc={sandbox.processes}",
                f"--fsize={sandbox.file_bytes}", f"--cpu={sandbox.cpu_seconds}", "--core=0", "--"]
    return options + command


def released_files(folder: str | Path | None) -> list[Path]:
    """Return the files released with a notebook: what its folder holds besides notebooks
    (which may hold hidden tests) and hidden or checkpoint files."""
    if not folder or not Path(folder).is_dir():
        return []
    return sorted(path for path in Path(folder).iterdir()
                  if not path.name.startswith(".") and path.suffix != ".ipynb"
                  and path.name != "timestamp.txt")


class SandboxedKernelManager(AsyncKernelManager):
    """A Jupyter kernel manager whose kernel runs inside the sandbox.

    The kernel talks to the grader through ZeroMQ's ``ipc`` transport (sockets as files): with
    no network namespace of its own, it cannot reach the grader's loopback interface. The
    sockets live in a private run folder, the only host folder the sandbox can write to; once
    the kernel has created them, the folder is made read-only to it (as root).
    """

    sandbox = Instance(Sandbox, allow_none=True)
    kernel_output = b""
    work_name = Unicode("work", help="Name of the work folder in the sandbox's home.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.sandbox is None:
            self.sandbox = Sandbox(parent=self)
        self.sandbox.check()
        self._user_lock = (_UserIdLock(self.sandbox.first_user_id, self.sandbox.user_ids)
                           if os.geteuid() == 0 else None)
        LOCK_FOLDER.mkdir(mode=0o700, exist_ok=True)
        self.run_folder = tempfile.mkdtemp(prefix="k-", dir=LOCK_FOLDER)
        os.chmod(self.run_folder, 0o700)
        self.transport = "ipc"
        self.ip = os.path.join(self.run_folder, "k")
        self.connection_file = os.path.join(self.run_folder, "kernel.json")
        self.cache_ports = False

    @property
    def user_id(self) -> int | None:
        """The user id the kernel runs as (root only; None for a normal user)."""
        return self._user_lock.user_id if self._user_lock else None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """Return the kernel's command line wrapped in bubblewrap."""
        command = super().format_kernel_cmd(extra_arguments)
        host_folder = (self._launch_args or {}).get("cwd")
        work_folder = f"{SANDBOX_HOME}/{self.work_name}"
        if self.user_id is not None:
            os.chown(self.run_folder, self.user_id, self.user_id)
            os.chown(self.connection_file, self.user_id, self.user_id)
        return bwrap_command(self.sandbox, command, run_folder=self.run_folder,
                             work_folder=work_folder, released=released_files(host_folder),
                             user_id=self.user_id)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kwargs: Any) -> None:
        # What the kernel process itself writes (ipykernel's banner, anything student code
        # writes to the original file descriptors) must not reach the grader's terminal: it
        # goes to a pipe whose last 4 kB are kept (``kernel_output``) for a kernel that fails
        # to start. (/dev/null instead makes ipykernel's output forwarding many times slower.)
        reading, writing = os.pipe()
        kwargs["stdout"] = kwargs["stderr"] = writing
        try:
            await super()._async_launch_kernel(kernel_cmd, **kwargs)
        finally:
            os.close(writing)
        threading.Thread(target=self._drain, args=(reading,), daemon=True).start()

    def _drain(self, descriptor: int) -> None:
        with os.fdopen(descriptor, "rb") as pipe:
            while chunk := pipe.read1(65536):
                self.kernel_output = (self.kernel_output + chunk)[-4096:]

    async def _async_post_start_kernel(self, **kwargs: Any) -> None:
        await super()._async_post_start_kernel(**kwargs)
        await self._lock_run_folder()

    async def _lock_run_folder(self, seconds: float = 120.0) -> None:
        """Once the kernel's five sockets exist, take the run folder back from its user."""
        import asyncio

        if self.user_id is None:
            return
        ports = [self.shell_port, self.iopub_port, self.stdin_port, self.hb_port,
                 self.control_port]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(os.path.exists(f"{self.ip}-{port}") for port in ports):
                break
            if not await self.is_alive():
                break
            await asyncio.sleep(0.05)
        os.chown(self.run_folder, 0, 0)
        os.chmod(self.run_folder, 0o755)
        os.chown(self.connection_file, 0, 0)
        os.chmod(self.connection_file, 0o644)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self.release()

    def release(self) -> None:
        """Remove the run folder and give the user id back (idempotent)."""
        shutil.rmtree(self.run_folder, ignore_errors=True)
        if self._user_lock is not None:
            self._user_lock.release()
            self._user_lock = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.release()
