"""The shape of the code (docs/architecture.md), checked on every run:

- no import cycle between modules of tas/;
- the pure rules (every `rules.py`, and the pure modules of tas/core) reach neither Flask,
  SQLAlchemy nor WTForms, however indirectly, so they are tested without an app or a database;
- tas/core imports no domain, and the accounts (organisations, auth, audit, outbox) import only
  each other and the core;
- pages are added only by `views.py` modules (`@bp.route`), all listed in tas/blueprints.py,
  and no other module imports a views module: what a views module offers others belongs in a
  service or a page module beside it.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TAS = ROOT / "tas"
FRAMEWORKS = ("flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "sqlalchemy", "wtforms")
# tas/core's modules with no framework in them: days, words, choices and the calendar rules.
PURE_CORE = ("tas.core.bank_holidays", "tas.core.choices", "tas.core.clock", "tas.core.days")
PURE_CORE += ("tas.core.paging", "tas.core.school_calendar", "tas.core.times", "tas.core.words")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in TAS.rglob("*.py")}


@cache
def imports(module: str) -> frozenset[str]:
    """Every module this one imports (tas modules by their full name, others by their top name),
    wherever the import stands in it."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return frozenset(name if name.split(".")[0] == "tas" else name.split(".")[0] for name in found)


def tas_imports(module: str) -> set[str]:
    """The tas modules this one imports, each with the packages above it (importing
    tas.meetings.booking.services runs tas/meetings/__init__.py and tas/meetings/booking's)."""
    found = set()
    for name in imports(module):
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
    return {name for name in found if name in MODULES and name != module}


def reachable(module: str, *, packages: bool = True) -> set[str]:
    """The tas modules an import of this one runs; `packages=False` leaves out the package
    __init__ modules on the way (a domain's makes its blueprint, which no rule uses)."""
    seen, todo = set(), [module]
    while todo:
        found = tas_imports(todo.pop())
        if not packages:
            found = {name for name in found if MODULES[name].name != "__init__.py"}
        for name in found - seen:
            seen.add(name)
            todo.append(name)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a longer loop (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for name in sorted(graph[module]):
            if name not in index:
                visit(name)
                low[module] = min(low[module], low[name])
            elif name in on_stack:
                low[module] = min(low[module], index[name])
        if low[module] == index[module]:
            group = []
            while True:
                name = stack.pop()
                on_stack.discard(name)
                group.append(name)
                if name == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_round_a_loop():
    assert cycles({module: tas_imports(module) for module in MODULES}) == []


def test_a_loop_of_imports_is_found_however_long():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


RULES = sorted(name for name in MODULES if name.endswith(".rules")) + list(PURE_CORE)


@pytest.mark.parametrize("module", RULES)
def test_pure_rules_need_no_framework(module):
    used = {name for each in [module, *reachable(module, packages=False)] for name in imports(each)}
    assert sorted(used & set(FRAMEWORKS)) == []


def test_the_core_imports_no_domain():
    core = [name for name in MODULES if name.startswith("tas.core")]
    allowed = {"tas", "tas.extensions"}
    reached = {
        f"{module} imports {name}"
        for module in core
        for name in tas_imports(module)
        if not name.startswith("tas.core") and name not in allowed
    }
    assert sorted(reached) == []


ACCOUNTS = ("organisations", "auth", "audit", "outbox")


def test_the_accounts_reach_no_domain_above_them():
    # A leaver's calendar feed link is ended by the account code itself: the link is a
    # credential (tas/auth/feed_links.py), not calendar code.
    lower = {"tas", "tas.extensions", "tas.client", *(f"tas.{name}" for name in ACCOUNTS)}
    reached = {
        f"{module} imports {name}"
        for module in MODULES
        if module.split(".")[1:2] and module.split(".")[1] in ACCOUNTS
        for name in tas_imports(module)
        if not name.startswith("tas.core") and ".".join(name.split(".")[:2]) not in lower
    }
    assert sorted(reached) == []


def is_views(module: str) -> bool:
    return module.endswith(".views") or module.endswith("_views")


def test_only_the_blueprint_list_imports_views():
    reached = {
        f"{module} imports {name}"
        for module in MODULES
        for name in tas_imports(module)
        if is_views(name) and module != "tas.blueprints"
    }
    assert sorted(reached) == []


ROUTE = re.compile(r"^@\w+\.(route|get|post)\(", re.MULTILINE)


def test_pages_are_added_only_by_views_modules_on_the_blueprint_list():
    with_routes = {
        name for name, path in MODULES.items() if ROUTE.search(path.read_text(encoding="utf-8"))
    }
    assert {name for name in with_routes if not name.endswith(".views")} == set()
    assert with_routes == {name for name in tas_imports("tas.blueprints") if is_views(name)}


def test_these_checks_read_real_imports():
    # The walk reads real imports: the app's own loops through the package __init__ modules
    # would show (every domain imports tas.extensions, and tas imports nothing at the top).
    assert "tas.extensions" in tas_imports("tas.core.use_cases")
    assert "sqlalchemy" in imports("tas.core.use_cases")
    assert "flask" in {name for each in reachable("tas.core.editing") for name in imports(each)}
