"""A person's meetings still to come, as their home page shows them: the invitations waiting for
their answer. The person's own meetings list (`tas.meetings.lists.services`) cut short: the same
access check (`access.visible`), the same answer. Arrangements only: no child is named."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from tas.extensions import db
from tas.meetings import access
from tas.meetings.lists.services import ANSWERING_ROLES, my_answer
from tas.meetings.models import Meeting
from tas.organisations.models import User

SHOWN = 5


@dataclass(frozen=True)
class AwaitingAnswer:
    """Meetings still to come that wait for this person's answer: the soonest few, and how many
    there are in all."""

    soonest: list[Meeting] = field(default_factory=list)
    total: int = 0


def awaiting_answer(user: User, now: datetime, shown: int = SHOWN) -> AwaitingAnswer:
    """Scheduled meetings still to come whose invitation this person answers (their own, else
    their agency's naming nobody) and has not answered yet: the soonest `shown`, with the total
    (one query). Not the meetings they chair: the chair is there."""
    if user.role not in ANSWERING_ROLES or not user.active:
        return AwaitingAnswer()
    rows = db.session.execute(
        select(Meeting, func.count().over().label("total"))
        .options(joinedload(Meeting.school))
        .where(
            access.visible(user, now=now),
            Meeting.status == "scheduled",
            Meeting.starts_at > now,
            my_answer(user, for_me=True) == "awaiting",
            or_(Meeting.chair_id.is_(None), Meeting.chair_id != user.id),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(shown)
    ).all()
    return AwaitingAnswer([row.Meeting for row in rows], rows[0].total if rows else 0)
