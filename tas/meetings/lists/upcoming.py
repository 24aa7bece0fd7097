"""A person's meetings still to come, as their home page shows them: the invitations waiting for
their answer, and their next meetings. Both are the person's own meetings list
(`tas.meetings.lists.services`) cut short: the same access check (`access.visible`), the same
"upcoming", the same answer. Arrangements only: no child is named."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload

from tas.core.clock import utcnow
from tas.extensions import db
from tas.meetings import access, rules
from tas.meetings.lists.services import ANSWERING_ROLES, my_answer, upcoming
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import User

# The roles who take part in meetings: they organise, chair or are invited (the roles that
# answer invitations). Not a coordinator, whose list is the arrangements of every meeting in
# their clusters, none of them theirs; nor an administrator, who has no work of their own.
TAKING_PART = ANSWERING_ROLES
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


@dataclass(frozen=True)
class NextMeeting:
    """One of the person's next meetings, and their part in it in words ("You said you can
    come"; empty when they have no invitation of their own, as an organiser)."""

    meeting: Meeting
    part: str


@dataclass(frozen=True)
class NextMeetings:
    """The person's soonest few meetings still to come, and how many there are in all."""

    soonest: list[NextMeeting] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        """How many more there are than those shown."""
        return self.total - len(self.soonest)


def next_meetings(
    user: User, now: datetime | None = None, shown: int = SHOWN
) -> NextMeetings | None:
    """The first `shown` meetings under "Upcoming" in the person's meetings list, soonest first,
    with how many there are, in one query; None for a role that takes no part in meetings. The
    person's part: chairing, else the answer on the invitation they answer (one naming them,
    else their agency's naming nobody: never a colleague's, which an agency's safeguarding lead
    also sees)."""
    if user.role not in TAKING_PART:
        return None
    if not user.active:
        return NextMeetings()
    now = now or utcnow()
    by_name = (
        exists()
        .where(
            Invitation.meeting_id == Meeting.id,
            Invitation.removed_at.is_(None),
            Invitation.representative_id == user.id,
        )
        .correlate(Meeting)
    )
    rows = db.session.execute(
        select(
            Meeting,
            func.count().over().label("total"),
            my_answer(user, for_me=True).label("answer"),
            by_name.label("by_name"),
        )
        .options(joinedload(Meeting.school))
        .where(access.visible(user, now=now), upcoming(now))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(shown)
    ).all()
    soonest = [
        NextMeeting(
            row.Meeting,
            rules.part_in_meeting(
                row.answer,
                chairs=row.Meeting.chair_id == user.id,
                by_name=bool(row.by_name),
                practice=user.role == "gp",
            ),
        )
        for row in rows
    ]
    return NextMeetings(soonest, rows[0].total if rows else 0)
