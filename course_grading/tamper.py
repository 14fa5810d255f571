"""The tamper report: lines of a submission that an instructor should look at.

Student code runs in the same kernel as the tests, so a submission can try to change how the
tests run instead of answering. Grading defends itself (the sandbox, strict checks, the proof
that each test ran: course_grading.integrity); this report tells the instructor who tried, so
that a person decides. It reads the code students wrote or changed (answer cells, added cells,
edited demo cells; test cells are restored from the gradebook anyway) and lists each line that
matches a rule. Correct answers match none.

Rules (``RULES``): assigning to an attribute of an imported module; redefining ``checks`` or
``helpers``; registering IPython hooks, input transformers, custom exception handlers or display
hooks; reaching ``In``/``_ih``/``inspect``/``sys.modules``/``builtins`` (the source of the test
running, or the interpreter's internals); defining comparison or conversion methods
(``__eq__``, ``__ne__``, ``__bool__``, ``__array__``...) that can make a wrong answer look
right; opening files outside the notebook's folder; running code from strings; starting
processes, sending signals or opening network connections.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from nbformat.notebooknode import NotebookNode

RULES: dict[str, str] = {
    "module-attribute": "assigns to an attribute of an imported module",
    "redefines-checks": "redefines `checks` or `helpers`",
    "ipython-hook": "registers an IPython hook, input transformer, exception handler or display "
                    "hook",
    "introspection": "reaches the code being run or the interpreter's internals (In, _ih, "
                     "inspect, sys.modules, builtins, frames)",
    "comparison-override": "defines a comparison or conversion method (__eq__, __ne__, __bool__, "
                           "__array__...)",
    "file-access": "opens or lists files outside the notebook's folder",
    "dynamic-code": "runs code built from strings (exec, eval, compile, __import__)",
    "process": "starts processes, sends signals or opens network connections",
}

_HOOK_NAMES = {"events", "register", "input_transformers_cleanup", "input_transformers_post",
               "ast_transformers", "set_custom_exc", "set_hook", "displayhook", "excepthook",
               "display_formatter", "register_magic_function", "settrace", "setprofile",
               "custom_exceptions", "showtraceback", "_showtraceback"}
_IPYTHON_OBJECTS = {"get_ipython", "InteractiveShell"}
_INTROSPECTION_NAMES = {"In", "Out", "_ih", "_oh", "_i", "_ii", "_iii", "_dh", "inspect",
                        "builtins", "__builtins__", "_getframe", "f_globals", "f_locals",
                        "f_back", "gc", "get_referrers", "get_objects", "globals"}
_COMPARISON_METHODS = {"__eq__", "__ne__", "__bool__", "__array__", "__array_ufunc__",
                       "__array_function__", "__len__", "__lt__", "__le__", "__gt__", "__ge__",
                       "__instancecheck__", "__subclasscheck__", "__getattribute__", "__class__",
                       "__index__", "__int__", "__float__", "__hash__"}
_DYNAMIC = {"exec", "eval", "compile", "__import__"}
_PROCESS_MODULES = {"subprocess", "socket", "multiprocessing", "signal", "ctypes", "urllib",
                    "http", "requests", "asyncio", "pty", "resource"}
_PROCESS_CALLS = {"system", "popen", "fork", "forkpty", "kill", "killpg", "_exit", "execv",
                  "execve", "execl", "execvp", "spawnl", "spawnv", "posix_spawn", "abort"}
_FILE_CALLS = {"open", "listdir", "scandir", "walk", "glob", "iglob", "rglob", "read_text",
               "read_bytes", "write_text", "write_bytes", "load", "loadtxt", "genfromtxt",
               "fromfile", "remove", "unlink", "rmtree", "rename", "replace", "copy", "copyfile",
               "copytree", "move", "chdir", "mkdir", "makedirs", "Path", "iterdir", "stat"}
_ALLOWED_LOADERS = {"load_mnist", "load_cifar10"}


@dataclass(frozen=True)
class Finding:
    """One flagged line: the rule, where it is, and the line itself."""

    rule: str
    cell: int
    line: int
    code: str

    def describe(self) -> str:
        """Return the finding as one line of the report."""
        return f"cell {self.cell}, line {self.line}: {RULES[self.rule]}: {self.code.strip()[:120]}"


def _attribute_root(node: ast.AST) -> tuple[str | None, list[str]]:
    """Return the name at the root of ``a.b.c`` and the attribute names, or (None, ...) when
    the chain passes through a call or a subscript."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    return (node.id if isinstance(node, ast.Name) else None), attributes[::-1]


def _path_text(node: ast.AST) -> str | None:
    """Return a string literal (or the literal parts of an f-string), if the node is one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values
                       if isinstance(part, ast.Constant) and isinstance(part.value, str))
    return None


def _outside_folder(path: str) -> bool:
    return path.startswith(("/", "~", "\\")) or ".." in re.split(r"[\\/]", path) or (
        len(path) > 1 and path[1] == ":")


class _Scanner(ast.NodeVisitor):
    def __init__(self, modules: set[str]) -> None:
        self.modules = set(modules)
        self.found: list[tuple[str, int]] = []

    def flag(self, rule: str, node: ast.AST) -> None:
        self.found.append((rule, getattr(node, "lineno", 1)))

    # Imports tell which names are modules.
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            self.modules.add(bound)
            self._check_module_name(alias.name, node)
            if bound in {"checks", "helpers"} and alias.name not in {"helpers",
                                                                      "helpers.checks"}:
                self.flag("redefines-checks", node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        self._check_module_name(module, node)
        for alias in node.names:
            bound = alias.asname or alias.name
            full = f"{module}.{alias.name}"
            if bound in {"checks", "helpers"} and full != "helpers.checks":
                self.flag("redefines-checks", node)
            if alias.name in _INTROSPECTION_NAMES or alias.name in {"modules", "_getframe"}:
                self.flag("introspection", node)
            if alias.name in _DYNAMIC:
                self.flag("dynamic-code", node)
            if alias.name in _PROCESS_CALLS:
                self.flag("process", node)
            if module in {"helpers"} or module.startswith(("numpy", "keras", "tensorflow")):
                self.modules.add(bound)

    def _check_module_name(self, module: str, node: ast.AST) -> None:
        root = module.split(".")[0]
        if root in {"inspect", "builtins", "gc"} or module in {"IPython.core.getipython"}:
            self.flag("introspection", node)
        if root in _PROCESS_MODULES:
            self.flag("process", node)
        if root in {"importlib"}:
            self.flag("dynamic-code", node)

    # Assignments.
    def _check_target(self, target: ast.AST, node: ast.AST) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._check_target(element, node)
            return
        if isinstance(target, ast.Name) and target.id in {"checks", "helpers"}:
            self.flag("redefines-checks", node)
        if isinstance(target, ast.Attribute):
            root, attributes = _attribute_root(target)
            if root in self.modules:
                self.flag("module-attribute", node)
            if root == "sys" and attributes and attributes[0] in {"displayhook", "excepthook",
                                                                  "stdout", "stderr"}:
                self.flag("ipython-hook", node)
            if set(attributes) & _HOOK_NAMES and root not in self.modules:
                self.flag("ipython-hook", node)
        if isinstance(target, ast.Subscript):
            root, attributes = _attribute_root(target.value)
            if root in self.modules or root in {"__builtins__"} or "__dict__" in attributes:
                self.flag("module-attribute", node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._check_target(target, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_target(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._check_target(target, node)
        self.generic_visit(node)

    # Definitions.
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        if node.name in {"checks", "helpers"}:
            self.flag("redefines-checks", node)
        if node.name in _COMPARISON_METHODS:
            self.flag("comparison-override", node)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 (the visitor's naming scheme)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.name in {"checks", "helpers"}:
            self.flag("redefines-checks", node)
        self.generic_visit(node)

    # A comparison method can also be built without `def`: type("X", (int,), {"__eq__": ...}),
    # setattr(cls, "__eq__", ...). A string naming one is enough to look at.
    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and node.value in _COMPARISON_METHODS:
            self.flag("comparison-override", node)

    # Names and attributes used anywhere.
    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _INTROSPECTION_NAMES or re.fullmatch(r"_i\d+", node.id):
            self.flag("introspection", node)
        if node.id in _DYNAMIC:
            self.flag("dynamic-code", node)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        root, attributes = _attribute_root(node)
        if node.attr in {"modules", "_getframe", "f_globals", "f_locals", "f_back",
                         "__dict__", "__globals__", "__code__", "__builtins__", "user_ns",
                         "history_manager"} and (root in self.modules or node.attr != "modules"):
            self.flag("introspection", node)
        if node.attr in _HOOK_NAMES - {"register"} or (
                node.attr == "register" and "events" in attributes):
            self.flag("ipython-hook", node)
        if node.attr in _PROCESS_CALLS and root in {"os", "posix"}:
            self.flag("process", node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        name = (function.id if isinstance(function, ast.Name)
                else function.attr if isinstance(function, ast.Attribute) else None)
        root = _attribute_root(function)[0] if isinstance(function, ast.Attribute) else None
        if name in {"setattr", "delattr"} and node.args:
            target_root = _attribute_root(node.args[0])[0]
            if target_root in self.modules or target_root in {"__builtins__"}:
                self.flag("module-attribute", node)
        if name in {"vars"} and node.args:
            if _attribute_root(node.args[0])[0] in self.modules:
                self.flag("introspection", node)
        if name in _FILE_CALLS and name not in _ALLOWED_LOADERS:
            paths = [_path_text(argument) for argument in node.args[:1]]
            if any(path is not None and _outside_folder(path) for path in paths):
                self.flag("file-access", node)
            elif name in {"open", "listdir", "scandir", "walk", "glob", "iglob", "rglob",
                          "iterdir", "chdir"} and node.args and paths[0] is None:
                self.flag("file-access", node)
        if name in _IPYTHON_OBJECTS and root is None:
            pass  # get_ipython() alone says little; what is done with it is checked above.
        self.generic_visit(node)


def _imported_modules(cells: list[str]) -> set[str]:
    """Return the names bound to modules by the import statements of all cells."""
    modules: set[str] = set()
    for source in cells:
        try:
            tree = ast.parse(_without_magics(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
                    "helpers", "keras", "tensorflow", "numpy", "matplotlib", "sklearn", "os",
                    "sys", "IPython"}:
                modules.update(alias.asname or alias.name for alias in node.names
                               if alias.name[:1].islower())
    return modules


def _without_magics(source: str) -> str:
    """Turn IPython magics and shell escapes (``%time``, ``!ls``) into comments."""
    return "\n".join(f"# {line}" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


def scan_source(source: str, modules: set[str]) -> list[tuple[str, int]]:
    """Return (rule, line number) for each flagged line of one cell's code."""
    code = _without_magics(source)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        # A cell that does not parse never runs; look for the words only.
        found = []
        for number, line in enumerate(code.split("\n"), 1):
            if re.search(r"\b(In|_ih|inspect|builtins|sys\.modules)\b", line):
                found.append(("introspection", number))
            if re.search(r"\b(events\.register|input_transformers|set_custom_exc)\b", line):
                found.append(("ipython-hook", number))
            if re.search(r"def\s+__(eq|ne|bool|array)__", line):
                found.append(("comparison-override", number))
        return found
    scanner = _Scanner(modules)
    scanner.visit(tree)
    return scanner.found


def _comparable(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().split("\n"))


def scan_notebook(submitted: NotebookNode, release: NotebookNode | None = None) -> list[Finding]:
    """Return the findings of one submitted notebook.

    Cells whose code is exactly a cell of ``release`` (what students were given) and locked
    cells (restored from the gradebook anyway) are not read.
    """
    given = {_comparable(cell.source) for cell in (release.cells if release else [])
             if cell.cell_type == "code"}
    code_cells = [cell.source for cell in submitted.cells if cell.cell_type == "code"]
    modules = _imported_modules(code_cells)
    findings = []
    for index, cell in enumerate(submitted.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        metadata = cell.get("metadata", {}).get("nbgrader", {})
        if metadata.get("locked") and not metadata.get("solution"):
            continue
        if _comparable(cell.source) in given:
            continue
        lines = cell.source.split("\n")
        seen = set()
        for rule, number in scan_source(cell.source, modules):
            if (rule, number) in seen:
                continue
            seen.add((rule, number))
            code = lines[number - 1] if 0 < number <= len(lines) else ""
            findings.append(Finding(rule, index, number, code))
    return sorted(findings, key=lambda finding: (finding.cell, finding.line, finding.rule))
