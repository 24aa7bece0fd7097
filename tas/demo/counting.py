"""What a loader added, counted in the database: the rows of each kind before and after."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from tas.extensions import db


def counts(kinds: dict[str, type]) -> dict[str, int]:
    return {
        kind: db.session.scalar(select(func.count()).select_from(model))
        for kind, model in kinds.items()
    }


def counted(kinds: dict[str, type], load: Callable[[], object]) -> dict[str, int]:
    """Run the loader and commit what it left (tas.demo.history); return how many rows of each
    kind it added."""
    before = counts(kinds)
    load()
    db.session.commit()
    after = counts(kinds)
    return {kind: after[kind] - before[kind] for kind in kinds}
