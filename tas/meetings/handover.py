"""A TAF / handover meeting is about one family: who may see the family's home address when the
meeting is held there, and which meetings are a child's handover meetings.

The address is for those who need it (docs/security.md, Roles, need to know): the organisers (the
school's DSL, its linked link workers, the chair), people whose agency is involved with a child
on the agenda (an involvement on the child's shared plan), and anyone who may read the record of
a child on the agenda (the lead practitioner; a coordinator with a recorded reason). An agency
invited but not involved with the child sees that the venue is the family's home, not where.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, or_, select

from tas.children import access as children
from tas.children.models import Child
from tas.extensions import db
from tas.meetings.access import MeetingAccess
from tas.meetings.models import AgendaItem, Meeting
from tas.organisations.models import User
from tas.plans.models import AgencyInvolvement, SharedPlan

# The involvements that make an agency one "involved with the child".
INVOLVED = ("active", "requested")


def _agency_involved(user: User):
    """An agenda child's open plan has an involvement of the user's agency (correlated to
    AgendaItem)."""
    if user.agency_id is None:
        return None
    return (
        exists()
        .where(
            SharedPlan.child_id == AgendaItem.child_id,
            SharedPlan.status != "closed",
            AgencyInvolvement.plan_id == SharedPlan.id,
            AgencyInvolvement.agency_id == user.agency_id,
            AgencyInvolvement.status.in_(INVOLVED),
        )
        .correlate(AgendaItem)
    )


def sees_family_address(meeting: Meeting, user: User, level: MeetingAccess) -> bool:
    """Whether this person may see where a meeting at the family's home is (one query, and
    none for organisers or a meeting not at a family's home)."""
    if not meeting.venue_private or level >= MeetingAccess.ORGANISE:
        return True
    if level == MeetingAccess.NONE:
        return False
    reads = AgendaItem.child_id.in_(
        select(Child.id).where(children.visible(user, children.Access.READ))
    )
    involved = _agency_involved(user)
    who = reads if involved is None else or_(reads, involved)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    and_(AgendaItem.meeting_id == meeting.id, AgendaItem.child_id.is_not(None)),
                    who,
                )
            )
        )
    )


def handover_meetings(child_id: int, since: datetime) -> list[Meeting]:
    """The child's TAF / handover meetings from `since` on that were not cancelled, soonest
    first (one query): the meetings a handover review is about."""
    return list(
        db.session.scalars(
            select(Meeting)
            .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .where(
                AgendaItem.child_id == child_id,
                Meeting.kind == "taf",
                Meeting.status != "cancelled",
                Meeting.starts_at >= since,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
