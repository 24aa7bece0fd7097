"""Cumulative harm, worked out from the database: each child's recent events and the latest
decision that answered a pattern, in two queries however many children (the flags list
depends on it), then the pure rule (tas.chronology.rules.cumulative_harm)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, func, select

from tas.children.models import Child
from tas.chronology import rules
from tas.chronology.models import ChronologyEvent, HarmReview
from tas.extensions import db


def settings() -> rules.HarmSettings:
    config = current_app.config
    return rules.HarmSettings(
        events=int(config["HARM_EVENTS"]),
        days=int(config["HARM_DAYS"]),
        same_category=int(config["HARM_SAME_CATEGORY_EVENTS"]),
        same_category_days=int(config["HARM_SAME_CATEGORY_DAYS"]),
    )


def category_labels() -> dict[str, str]:
    return {c.code: c.label for c in categories()}


def categories():
    return rules.categories(current_app.config["CHRONOLOGY_CATEGORIES"])


def patterns(children: ColumnElement[bool], today: date) -> dict[int, rules.Harm]:
    """Child id -> the cumulative harm pattern their chronology shows today, for the children
    under `children` (a condition on Child)."""
    chosen = settings()
    since = today - timedelta(days=max(chosen.days, chosen.same_category_days))
    events: dict[int, list[rules.Event]] = {}
    for child_id, *fields in db.session.execute(
        select(
            ChronologyEvent.child_id,
            ChronologyEvent.id,
            ChronologyEvent.happened_on,
            ChronologyEvent.category,
            ChronologyEvent.recorded_at,
        )
        .join(Child, Child.id == ChronologyEvent.child_id)
        .where(ChronologyEvent.happened_on > since, ChronologyEvent.happened_on <= today, children)
    ):
        events.setdefault(child_id, []).append(rules.Event(*fields))
    if not events:
        return {}
    cleared: dict[int, datetime] = dict(
        db.session.execute(
            select(HarmReview.child_id, func.max(HarmReview.recorded_at))
            .where(HarmReview.child_id.in_(sorted(events)))
            .group_by(HarmReview.child_id)
        ).all()
    )
    labels = category_labels()
    found = {}
    for child_id, theirs in events.items():
        harm = rules.cumulative_harm(theirs, today, chosen, cleared.get(child_id), labels)
        if harm is not None:
            found[child_id] = harm
    return found
