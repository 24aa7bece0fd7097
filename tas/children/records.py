"""Saving a change to a child's records: once, audited, and never over someone else's save.

The refusals are the admin screens' own (tas.organisations.services), so a change form behaves
the same everywhere: `Refused` puts problems beside fields, `StaleEdit` shows both versions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from tas.audit.services import record
from tas.core.use_cases import Refused, StaleEdit, commit
from tas.extensions import db

Problems = Callable[[], dict[str, str]]


def change(
    row,
    version: int | None,
    values: dict,
    action: str,
    *,
    unique: Problems | None = None,
    detail: dict | None = None,
) -> list[str]:
    """Save the values that changed, audited, unless someone saved the record since `version`.

    The version is compared explicitly: assigning an old version would let SQLAlchemy's version
    counter accept it (docs/security.md I35). The audit entry names the fields changed, not their
    values, which are a child's or a family's details.
    """
    if version is None or version != row.version:
        raise StaleEdit
    problems = unique() if unique else {}
    if problems:
        raise Refused(problems)
    changed = [name for name, new in values.items() if _plain(getattr(row, name)) != _plain(new)]
    if not changed:
        return changed

    def write() -> None:
        for name in changed:
            setattr(row, name, values[name])
        db.session.flush()  # a competing save shows here, as StaleDataError
        record(action, target=row, detail={"changed": changed, **(detail or {})})

    commit(write, unique)
    return changed


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
