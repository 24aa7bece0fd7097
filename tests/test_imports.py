"""Imports sit at the top of the module (docs/architecture.md, Habits): needing one inside a
function means two modules want something that belongs lower down, so it moves there. This walks
every module under tas/ and lists any import inside a function, apart from the few allowed
below."""

from __future__ import annotations

import ast
from pathlib import Path

TAS = Path(__file__).resolve().parent.parent / "tas"

# (module path under tas/, function) -> why its imports may stay inside it.
ALLOWED = {
    # The app factory imports its parts as it builds the app (issue 13 restructures it).
    ("__init__.py", "create_app"): "app factory",
    ("__init__.py", "register_logging"): "app factory",
    ("__init__.py", "register_extensions"): "app factory",
    ("__init__.py", "register_blueprints"): "app factory",
    ("__init__.py", "register_web"): "app factory",
    ("__init__.py", "register_commands"): "app factory",
    # The scheduler command alone loads APScheduler: create_app registers the commands, and web
    # workers must never import it (tests/reviews/test_scheduler_processes.py).
    ("cli.py", "scheduler"): "keeps APScheduler out of the web workers",
}


def local_imports(path: Path) -> list[tuple[str, int, str]]:
    """(function, line, what) for each import inside a function of the module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                names = ", ".join(alias.name for alias in inner.names)
                module = getattr(inner, "module", None) or ""
                dots = "." * getattr(inner, "level", 0)
                what = f"from {dots}{module} import {names}" if module or dots else names
                found.append((node.name, inner.lineno, what))
    return found


def test_no_module_imports_inside_a_function():
    offending = []
    for path in sorted(TAS.rglob("*.py")):
        relative = path.relative_to(TAS).as_posix()
        for function, line, what in local_imports(path):
            if (relative, function) not in ALLOWED:
                offending.append(f"tas/{relative}:{line} in {function}(): {what}")
    assert offending == [], "Move these imports to the top of their modules:\n" + "\n".join(
        offending
    )


def test_every_allowed_function_still_imports_inside_itself():
    # An allowance nobody needs any more is removed, so the list stays honest.
    still_needed = {
        (path.relative_to(TAS).as_posix(), function)
        for path in TAS.rglob("*.py")
        for function, _line, _what in local_imports(path)
    }
    assert set(ALLOWED) - still_needed == set()


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text("import os\n\n\ndef f():\n    from . import rules\n\n    return rules\n")
    assert local_imports(module) == [("f", 5, "from . import rules")]
