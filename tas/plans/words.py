"""What the child and the family said, as the shared plan shows it: their own words from each
plan review of the plan and from the minutes written for the child at each meeting since the
plan started (not minutes marked restricted or third-party), newest first. One query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Integer, literal, or_, select, union_all

from tas.core.clock import local
from tas.core.database import UTCDateTime
from tas.extensions import db
from tas.meetings.models import AgendaItem, Meeting, meeting_reference
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
    """The newest SHOWN of them, in one query: the plan's reviews and the child's minutes."""
    reviews = (
        select(
            Review.completed_on.label("day"),
            literal(None, Integer).label("meeting_id"),
            literal(None, UTCDateTime).label("starts_at"),
            Review.child_says,
            Review.family_says,
        )
        .where(
            Review.plan_id == plan.id,
            Review.status == "completed",
            or_(Review.child_says.is_not(None), Review.family_says.is_not(None)),
        )
        .order_by(Review.completed_on.desc())
        .limit(SHOWN)
        .subquery()
    )
    minutes = (
        select(
            literal(None, Date).label("day"),
            Meeting.id.label("meeting_id"),
            Meeting.starts_at,
            AgendaItem.child_says,
            AgendaItem.family_says,
        )
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
        .subquery()
    )
    said = []
    for day, meeting_id, starts_at, child, family in db.session.execute(
        union_all(select(reviews), select(minutes))
    ):
        if meeting_id is None:
            said.append(Said(day, "Plan review", child, family))
            continue
        held_on = local(starts_at).date()
        if held_on >= plan.started_on:
            said.append(Said(held_on, f"Meeting {meeting_reference(meeting_id)}", child, family))
    return sorted(said, key=lambda s: s.day, reverse=True)[:SHOWN]
