"""The meetings a level change or referral may name as "the meeting that decided": only those
that have been held (or have started), never one still to come nor a cancelled one. The forms
offer these, and the use cases refuse any other id sent."""

from __future__ import annotations

from sqlalchemy import or_, select

from tas.children.models import Child
from tas.core.clock import utcnow
from tas.extensions import db
from tas.meetings.access import visible as meetings_visible
from tas.meetings.models import Meeting
from tas.organisations.models import User

MEETINGS_OFFERED = 30
NOT_OFFERED = "Select a meeting from the list"


def held_meetings(child: Child, user: User):
    """The query of meetings that may have decided: the child's school's meetings this person
    may see that were held or have started."""
    return select(Meeting).where(
        Meeting.school_id == child.school_id,
        or_(
            Meeting.status == "held",
            (Meeting.status == "scheduled") & (Meeting.starts_at <= utcnow()),
        ),
        meetings_visible(user),
    )


def meetings_to_choose(child: Child, user: User) -> list[Meeting]:
    """The meetings the forms offer, newest first (one query)."""
    return list(
        db.session.scalars(
            held_meetings(child, user)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(MEETINGS_OFFERED)
        )
    )


def meeting_problem(meeting_id: int | None, child: Child, user: User) -> dict[str, str]:
    """Field -> what to put right, when the meeting sent is not one that could have decided."""
    if meeting_id is None:
        return {}
    found = db.session.scalar(held_meetings(child, user).where(Meeting.id == meeting_id))
    return {} if found is not None else {"meeting": NOT_OFFERED}
