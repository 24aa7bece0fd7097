"""Loads the demo's chronology (tas.demo.data.chronology) through the chronology's use cases,
each event recorded by its recorder and dated back to when it was recorded. Loaded once per
copy: if the copy's children have an event, nothing is added."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from tas.chronology import services as chronology
from tas.chronology.models import ChronologyEvent
from tas.core.clock import LONDON, local, utcnow
from tas.demo.children import children_of
from tas.demo.copies import THE_DEMO, Copy
from tas.demo.counting import counted
from tas.demo.data.chronology import EVENTS
from tas.demo.history import backdate, before
from tas.extensions import db
from tas.organisations.models import Agency, User

KINDS = {"chronology events": ChronologyEvent}


def load(copy: Copy = THE_DEMO) -> dict[str, int]:
    """Add what is missing; return how many events were added."""
    return counted(KINDS, lambda: _load(copy))


def _load(copy: Copy) -> None:
    children = children_of(copy)
    ids = [child.id for child in children.values()]
    if db.session.scalar(
        select(ChronologyEvent.id).where(ChronologyEvent.child_id.in_(ids)).limit(1)
    ):
        return
    people = {user.email: user for user in db.session.scalars(select(User))}
    agencies = {agency.name: agency.id for agency in db.session.scalars(select(Agency))}
    now = utcnow()
    for name, by, days_ago, category, severity, source, summary, restricted in EVENTS:
        child, recorder = children.get(name), people.get(copy.email(by))
        if child is None or recorder is None:
            continue
        happened_on = local(now).date() - timedelta(days=days_ago)
        event = chronology.record_event(
            child,
            recorder,
            {
                "happened_on": happened_on,
                "category": category,
                "severity": severity,
                "source_agency_id": agencies.get(copy.name(source)) if source else None,
                "summary": summary,
                "restricted": restricted,
                "not_for_parent": False,
                "third_party": False,
            },
        )
        recorded = datetime.combine(happened_on, time(15, 0), tzinfo=LONDON)
        backdate(event, recorded_at=before(now, recorded))
