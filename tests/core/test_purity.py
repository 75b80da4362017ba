"""The core stays pure: no framework, storage or network library, no files."""

import ast
from pathlib import Path

import pytest

import forest_chat.core

FORBIDDEN = {
    "falcon",
    "tinydb",
    "requests",
    "gunicorn",
    "pluggy",
    "socket",
    "sqlite3",
    "psycopg",
    "psycopg2",
    "http",
    "urllib3",
    # File access, beyond open() itself.
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
}


def core_modules():
    """Return every Python file of the installed forest_chat.core package."""
    folders = [Path(folder) for folder in forest_chat.core.__path__]
    return sorted(path for folder in folders for path in folder.rglob("*.py"))


def imported_roots(tree):
    """Yield the top-level package of every absolute import in tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0], node.lineno


def open_calls(tree):
    """Yield the line of every call to open(), as a name or an attribute."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "open":
                yield node.lineno
            elif isinstance(func, ast.Attribute) and func.attr == "open":
                yield node.lineno


def test_the_core_modules_are_found():
    """The walk sees the core's modules, so the checks below are not empty."""
    found = {path.name for path in core_modules()}

    assert {"__init__.py", "hub.py", "model.py", "ports.py", "rules.py"} <= found


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: path.name)
def test_imports_no_framework_storage_or_network(path):
    """A core module imports none of the libraries the adapters wrap."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    bad = [(root, line) for root, line in imported_roots(tree) if root in FORBIDDEN]

    assert bad == []


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: path.name)
def test_opens_no_file(path):
    """A core module never calls open()."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    assert list(open_calls(tree)) == []


def test_the_check_catches_a_forbidden_import():
    """The import check flags a module that imports a forbidden library."""
    tree = ast.parse("import re\nfrom tinydb import TinyDB\nimport http.client\n")

    bad = [root for root, _ in imported_roots(tree) if root in FORBIDDEN]

    assert bad == ["tinydb", "http"]


def test_the_check_catches_open():
    """The open check flags builtin and attribute calls to open()."""
    tree = ast.parse("open('x')\nio.open('y')\nlen('z')\n")

    assert list(open_calls(tree)) == [1, 2]
