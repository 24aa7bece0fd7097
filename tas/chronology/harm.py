"""Cumulative harm, worked out from the database: each child's recent events and the latest
decision that answered a pattern, in one query however many children (the flags list depends
on it), then the pure rule (tas.chronology.rules.cumulative_harm)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, func, select

from tas.children.models import Child
from tas.chronology import rules
from tas.chronology.models import ChronologyEvent, HarmReview
from tas.extensions import db
from tas.organisations.models import School


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


@dataclass(frozen=True)
class Pattern:
    """A child's cumulative harm pattern, with the child's name and school for a list."""

    harm: rules.Harm
    name: str
    school: str


def patterns(children: ColumnElement[bool], today: date) -> dict[int, Pattern]:
    """Child id -> the cumulative harm pattern their chronology shows today, for the children
    under `children` (a condition on Child): one query, each event with its child's name and
    school and the latest decision that answered a pattern for that child."""
    chosen = settings()
    since = today - timedelta(days=max(chosen.days, chosen.same_category_days))
    cleared = (
        select(HarmReview.child_id, func.max(HarmReview.recorded_at).label("at"))
        .group_by(HarmReview.child_id)
        .subquery()
    )
    events: dict[int, list[rules.Event]] = {}
    about: dict[int, tuple[datetime | None, str, str]] = {}
    for (
        child_id,
        event_id,
        on,
        category,
        recorded,
        answered,
        first,
        last,
        school,
    ) in db.session.execute(
        select(
            ChronologyEvent.child_id,
            ChronologyEvent.id,
            ChronologyEvent.happened_on,
            ChronologyEvent.category,
            ChronologyEvent.recorded_at,
            cleared.c.at,
            Child.first_name,
            Child.last_name,
            School.name,
        )
        .join(Child, Child.id == ChronologyEvent.child_id)
        .join(School, School.id == Child.school_id)
        .outerjoin(cleared, cleared.c.child_id == ChronologyEvent.child_id)
        .where(ChronologyEvent.happened_on > since, ChronologyEvent.happened_on <= today, children)
    ):
        events.setdefault(child_id, []).append(rules.Event(event_id, on, category, recorded))
        about[child_id] = (answered, f"{first} {last}", school)
    labels = category_labels()
    found = {}
    for child_id, theirs in events.items():
        answered, name, school = about[child_id]
        harm = rules.cumulative_harm(theirs, today, chosen, answered, labels)
        if harm is not None:
            found[child_id] = Pattern(harm, name, school)
    return found
