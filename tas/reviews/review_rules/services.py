"""The review rules' use cases: the rules in force with who changed them, saving a coordinator's
changes and putting one rule back to its default, each audited and committed once, and refused
with both versions shown when someone else changed any rule since the form was opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tas.audit.services import record
from tas.core.clock import utcnow
from tas.core.use_cases import Refused, StaleEdit, commit, refuse_if
from tas.extensions import db
from tas.organisations.models import User
from tas.reviews import rules
from tas.reviews.models import ReviewRule
from tas.reviews.rules import RuleInForce

DEFAULTS = {rule.event: rule for rule in rules.DEFAULT_RULES}


@dataclass(frozen=True)
class Changed:
    """Who last changed a rule from its default, and when."""

    by: str
    at: datetime


@dataclass(frozen=True)
class RulesNow:
    """The rules in force, who changed which, and the versions a form carries."""

    in_force: dict[str, RuleInForce]
    changed: dict[str, Changed]
    versions: str


def rules_now() -> RulesNow:
    """The rules in force with who changed them (one query)."""
    found = db.session.execute(
        select(ReviewRule, User.name).outerjoin(User, User.id == ReviewRule.changed_by_id)
    ).all()
    rows = {row.event: row for row, _ in found}
    return RulesNow(
        in_force=rules.rules_in_force({e: (row.amount, row.unit) for e, row in rows.items()}),
        changed={row.event: Changed(name or "", row.changed_at) for row, name in found},
        versions=_versions(rows),
    )


def _versions(rows: dict[str, ReviewRule]) -> str:
    """The versions of the rules, in the order of the defaults: "2.0.0.1" (0: the default)."""
    return ".".join(
        str(rows[rule.event].version if rule.event in rows else 0) for rule in rules.DEFAULT_RULES
    )


def _rows_if_unchanged(loaded: str) -> dict[str, ReviewRule]:
    rows = {row.event: row for row in db.session.scalars(select(ReviewRule))}
    if _versions(rows) != loaded:
        raise StaleEdit
    return rows


def save_rules(by: User, loaded: str, typed: dict[str, tuple[int | None, str | None]]) -> list:
    """Save the rules a coordinator changed, audited (event, old and new values), unless
    someone changed any rule since the form was opened. The events changed."""
    rows = _rows_if_unchanged(loaded)
    problems = {}
    for event, (amount, unit) in typed.items():
        for name, text in rules.rule_problems(DEFAULTS[event], amount, unit).items():
            problems[f"{event}_{name}"] = text
    refuse_if(problems)
    in_force = rules.rules_in_force({e: (row.amount, row.unit) for e, row in rows.items()})

    def write() -> list[str]:
        changed = []
        for event, (amount, unit) in typed.items():
            before = in_force[event]
            if (amount, unit) == (before.amount, before.unit):
                continue
            row = rows.get(event)
            if row is None:
                row = ReviewRule(event=event, amount=amount, unit=unit, changed_by_id=by.id)
                db.session.add(row)
            else:
                row.amount, row.unit = amount, unit
                row.changed_by_id, row.changed_at = by.id, utcnow()
            db.session.flush()
            record(
                "review_rule_changed",
                target=row,
                detail={
                    "event": event,
                    "from": [before.amount, before.unit],
                    "to": [amount, unit],
                },
            )
            changed.append(event)
        return changed

    try:
        return commit(write)
    except IntegrityError as error:  # another coordinator added the same rule first
        raise StaleEdit from error


def reset_rule(loaded: str, event: str) -> bool:
    """Put one rule back to its default (its row goes), audited; False when it was already
    at its default."""
    if event not in rules.rules_in_force({}):
        raise Refused({"rule": "Select a rule from the list"})
    rows = _rows_if_unchanged(loaded)
    row = rows.get(event)
    if row is None:
        return False

    def write() -> bool:
        record(
            "review_rule_reset",
            target=row,
            detail={"event": event, "from": [row.amount, row.unit]},
        )
        db.session.delete(row)
        db.session.flush()
        return True

    return commit(write)
