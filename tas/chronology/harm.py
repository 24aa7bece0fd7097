"""Cumulative harm, worked out from the database: each child's recent events and the latest
decision that answered a pattern, in one query however many children (the flags list depends
on it), then the pure rule (tas.chronology.rules.cumulative_harm)."""

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
    under `children` (a condition on Child): one query, each event with the latest decision
    that answered a pattern for that child."""
    chosen = settings()
    since = today - timedelta(days=max(chosen.days, chosen.same_category_days))
    cleared = (
        select(HarmReview.child_id, func.max(HarmReview.recorded_at).label("at"))
        .group_by(HarmReview.child_id)
        .subquery()
    )
    events: dict[int, list[rules.Event]] = {}
    answered_at: dict[int, datetime | None] = {}
    for child_id, event_id, on, category, recorded, answered in db.session.execute(
        select(
            ChronologyEvent.child_id,
            ChronologyEvent.id,
            ChronologyEvent.happened_on,
            ChronologyEvent.category,
            ChronologyEvent.recorded_at,
            cleared.c.at,
        )
        .join(Child, Child.id == ChronologyEvent.child_id)
        .outerjoin(cleared, cleared.c.child_id == ChronologyEvent.child_id)
        .where(ChronologyEvent.happened_on > since, ChronologyEvent.happened_on <= today, children)
    ):
        events.setdefault(child_id, []).append(rules.Event(event_id, on, category, recorded))
        answered_at[child_id] = answered
    labels = category_labels()
    found = {}
    for child_id, theirs in events.items():
        harm = rules.cumulative_harm(theirs, today, chosen, answered_at[child_id], labels)
        if harm is not None:
            found[child_id] = harm
    return found
