"""What the child and the family said, as the shared plan shows it: their own words from each
plan review of the plan and from the minutes written for the child at each meeting since the
plan started (not minutes marked restricted or third-party), newest first. Two queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from tas.core.clock import local
from tas.extensions import db
from tas.meetings.models import AgendaItem, Meeting
from tas.plans.models import SharedPlan
from tas.reviews.models import Review

SHOWN = 6  # the most recent, on the plan


@dataclass(frozen=True)
class Said:
    day: date
    where: str  # "Plan review", "TAS meeting MTG-0012"
    child: str | None
    family: str | None


def words_on(plan: SharedPlan) -> list[Said]:
    reviews = db.session.scalars(
        select(Review)
        .where(
            Review.plan_id == plan.id,
            Review.status == "completed",
            or_(Review.child_says.is_not(None), Review.family_says.is_not(None)),
        )
        .order_by(Review.completed_on.desc())
        .limit(SHOWN)
    )
    said = [Said(r.completed_on, "Plan review", r.child_says, r.family_says) for r in reviews]
    minutes = db.session.execute(
        select(AgendaItem, Meeting)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            AgendaItem.child_id == plan.child_id,
            Meeting.status != "cancelled",
            AgendaItem.minuted_at.is_not(None),
            or_(AgendaItem.child_says.is_not(None), AgendaItem.family_says.is_not(None)),
            # Minutes marked restricted or third-party stay with the meeting's own readers.
            AgendaItem.restricted.is_(False),
            AgendaItem.third_party.is_(False),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(SHOWN)
    )
    for item, meeting in minutes:
        held_on = local(meeting.starts_at).date()
        if held_on >= plan.started_on:
            said.append(
                Said(held_on, f"Meeting {meeting.reference}", item.child_says, item.family_says)
            )
    return sorted(said, key=lambda s: s.day, reverse=True)[:SHOWN]
