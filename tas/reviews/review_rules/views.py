"""The review rules page (/reviews/rules): how long after each event its review is due. Everyone
with reviews (and administrators) may read the rules; district-wide coordinators change them,
or put one back to its default (a coordinator of some clusters reads them, as the rules are the
district's: tas.reviews.access.may_change_rules). New values apply to reviews made from then on.

A coordinator's change is a ReviewRule row (none: the default applies). The form carries the
versions of the four rules as it was opened; a save or reset made after someone else changed
any rule is refused with both versions shown (409), as every change form is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tas.audit.services import record
from tas.core.choices import label
from tas.core.clock import utcnow
from tas.core.editing import compare
from tas.core.use_cases import Refused, StaleEdit, commit, refuse_if
from tas.extensions import db
from tas.organisations.models import User
from tas.reviews import access, bp, rules
from tas.reviews.forms import ResetRuleForm, RulesForm
from tas.reviews.lists import how_long
from tas.reviews.models import ReviewRule
from tas.reviews.rules import RuleInForce

CHANGED_BY_SOMEONE = "Someone else changed the review rules while you were editing them"

# ---------------------------------------------------------------- use cases


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
        for name, text in rules.rule_problems(amount, unit).items():
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


# ---------------------------------------------------------------- pages


def _page(now: RulesNow, form: RulesForm | None, comparison=None, status: int = 200):
    editor = access.may_change_rules(current_user)
    return render_template(
        "reviews/reviews/rules.html",
        title="Review rules",
        now=now,
        form=form,
        editor=editor,
        comparison=comparison,
        event_label=lambda event: label(rules.EVENTS, event),
        kind_label=lambda kind: label(rules.REVIEW_KINDS, kind),
        how_long=how_long,
        defaults={rule.event: rule for rule in rules.DEFAULT_RULES},
        reset_forms={
            event: ResetRuleForm(formdata=None, data={"rule": event, "version": now.versions})
            for event in now.changed
        }
        if editor
        else {},
    ), status


@bp.route("/rules", methods=["GET", "POST"], endpoint="rules")
def rules_page():
    """The rules in force; a district-wide coordinator's form to change them (anyone else who
    posts it is refused, 403, and nothing changes)."""
    user = current_user
    if not access.may_read_rules(user):
        abort(403)
    editor = access.may_change_rules(user)
    if request.method == "POST" and not editor:
        abort(403)
    now = rules_now()
    if not editor:
        return _page(now, None)
    opened = RulesForm.data_from(now.in_force, now.versions)
    form = RulesForm(data=opened if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = save_rules(user, form.loaded_versions(), form.values())
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            fresh = rules_now()
            saved = RulesForm(
                formdata=None, data=RulesForm.data_from(fresh.in_force, fresh.versions)
            )
            comparison = compare(form, saved)
            form.version.data = fresh.versions
            form.version.errors = [CHANGED_BY_SOMEONE]
            return _page(fresh, form, comparison, 409)
        else:
            flash(
                "The review rules have been saved" if changed else "No rule was changed",
                "success",
            )
            return redirect(url_for(".rules"))
    return _page(now, form)


@bp.route("/rules/reset", methods=["POST"])
def rule_reset():
    """Put one rule back to its default (district-wide coordinators only)."""
    user = current_user
    if not access.may_change_rules(user):
        abort(403)
    sent = ResetRuleForm()
    if not sent.validate_on_submit():
        abort(400)
    event = (sent.rule.data or "").strip()
    try:
        done = reset_rule(sent.loaded_versions(), event)
    except Refused:
        abort(400)
    except StaleEdit:
        fresh = rules_now()
        form = RulesForm(formdata=None, data=RulesForm.data_from(fresh.in_force, fresh.versions))
        form.version.errors = [CHANGED_BY_SOMEONE + ": check them, then reset the rule again"]
        return _page(fresh, form, [], 409)
    event_label = label(rules.EVENTS, event)
    flash(
        f"The rule for {event_label.lower()} is back to its default"
        if done
        else f"The rule for {event_label.lower()} was already at its default",
        "success",
    )
    return redirect(url_for(".rules"))
