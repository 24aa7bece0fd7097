"""The coordinator's list of lawful bases: add, change (refusing a stale change), retire and put
back, each audited and committed once."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from tas.audit.services import record
from tas.children.models import LawfulBasis, SharingDecision
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db


def lawful_bases(*, active_only: bool = False) -> list[LawfulBasis]:
    """The list of lawful bases: those in use first, then retired ones, by name."""
    query = select(LawfulBasis).order_by(LawfulBasis.active.desc(), LawfulBasis.name)
    if active_only:
        query = query.where(LawfulBasis.active)
    return list(db.session.scalars(query))


def fingerprint(basis: LawfulBasis) -> str:
    """What a change form remembers of the saved entry, to notice someone else's change."""
    saved = json.dumps([basis.name, basis.condition, basis.active])
    return hashlib.sha256(saved.encode()).hexdigest()[:20]


def _name_problem(name: str, exclude_id: int | None = None) -> dict[str, str]:
    query = select(LawfulBasis.id).where(func.lower(LawfulBasis.name) == name.lower())
    if exclude_id is not None:
        query = query.where(LawfulBasis.id != exclude_id)
    if db.session.scalar(query.limit(1)) is None:
        return {}
    return {"name": f"A lawful basis called {name} already exists"}


def _commit_or_refuse(name: str) -> None:
    try:
        db.session.commit()
    except IntegrityError as error:  # another request took the name after our check
        db.session.rollback()
        raise Refused({"name": f"A lawful basis called {name} already exists"}) from error


def add_lawful_basis(values: dict) -> LawfulBasis:
    problems = _name_problem(values["name"])
    if problems:
        raise Refused(problems)
    row = LawfulBasis(**values, active=True)
    db.session.add(row)
    db.session.flush()
    record("lawful_basis_added", target=row, detail=values)
    _commit_or_refuse(values["name"])
    return row


def change_lawful_basis(basis: LawfulBasis, loaded: str | None, values: dict) -> dict:
    """Save a change unless someone else changed the entry since the form was opened."""
    if loaded != fingerprint(basis):
        raise StaleEdit
    problems = _name_problem(values["name"], exclude_id=basis.id)
    if problems:
        raise Refused(problems)
    changes = {k: [getattr(basis, k), v] for k, v in values.items() if getattr(basis, k) != v}
    if not changes:
        return changes
    cited = citing_decisions(basis)
    if cited:
        raise Refused({"name": cited_problem(cited)})
    same_condition = (
        LawfulBasis.condition.is_(None)
        if basis.condition is None
        else LawfulBasis.condition == basis.condition
    )
    # Compare and set: the entry changes only if it is still as the form showed it.
    saved = db.session.execute(
        update(LawfulBasis)
        .where(
            LawfulBasis.id == basis.id,
            LawfulBasis.name == basis.name,
            same_condition,
            LawfulBasis.active == basis.active,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if saved.rowcount != 1:
        db.session.rollback()
        raise StaleEdit
    record("lawful_basis_changed", target=basis, detail=changes)
    _commit_or_refuse(values["name"])
    return changes


def citing_decisions(basis: LawfulBasis) -> int:
    """How many sharing decisions give this lawful basis (one query)."""
    return db.session.scalar(
        select(func.count(SharingDecision.id)).where(SharingDecision.lawful_basis_id == basis.id)
    )


def cited_problem(cited: int) -> str:
    """A decision keeps the wording it was made on: a basis cited is retired, not reworded."""
    decisions = "1 sharing decision gives" if cited == 1 else f"{cited} sharing decisions give"
    return (
        f"{decisions} this lawful basis as it is worded now, so its wording cannot change. "
        "Retire it and add the new wording instead"
    )


def set_lawful_basis_active(basis: LawfulBasis, active: bool) -> bool:
    """Retire a lawful basis (kept on old decisions, no longer offered) or put it back: False,
    with nothing changed, when it was so already."""
    if basis.active == active:
        return False
    basis.active = active
    record("lawful_basis_reinstated" if active else "lawful_basis_retired", target=basis)
    db.session.commit()
    return True
