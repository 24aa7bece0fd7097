"""Lists of meetings: my meetings (upcoming and recent), a school's meetings, and a coordinator's
cluster or district view. Arrangements and counts only: no child is named in a list.

Every list goes through `access.visible`; filters are checked against the options this person
was offered, and the page runs the same queries whatever the number of meetings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, exists, func, null, or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view
from tas.core.choices import label
from tas.core.clock import utcnow
from tas.core.paging import window
from tas.extensions import db
from tas.meetings import access, rules
from tas.meetings.day import services as day
from tas.meetings.invitations.answers import ANSWERABLE
from tas.meetings.lists.filters import ANY_DATE, Filters
from tas.meetings.models import AgendaItem, Invitation, Meeting
from tas.organisations.models import School, User

# "Recent": meetings that ended this long ago still show in the default list (an invited
# practitioner's view of a meeting ends 30 days after it, too).
RECENT = timedelta(days=30)
CANCELLED = "cancelled"
# Roles that answer invitations: the list shows their own answer beside each meeting.
ANSWERING_ROLES = frozenset({*access.INVITABLE_ROLES, "gp"})


@dataclass(frozen=True)
class MeetingRow:
    """One meeting in a list, with its counts."""

    meeting: Meeting
    upcoming: bool
    agenda_items: int
    invited: int
    answered: int
    attended: int
    minutes_overdue: bool
    my_answer: str | None

    @property
    def cancelled(self) -> bool:
        return self.meeting.status == CANCELLED

    @property
    def my_answer_label(self) -> str:
        """The answer given, while it still means something: none for a cancelled meeting."""
        if self.cancelled or not self.my_answer:
            return ""
        return label(rules.ANSWERS, self.my_answer)


@dataclass(frozen=True)
class MeetingsPage:
    rows: list[MeetingRow]
    number: int
    pages: int
    total: int

    @property
    def upcoming(self) -> list[MeetingRow]:
        return [row for row in self.rows if row.upcoming]

    @property
    def past(self) -> list[MeetingRow]:
        return [row for row in self.rows if not row.upcoming and not row.cancelled]

    @property
    def cancelled(self) -> list[MeetingRow]:
        """Cancelled meetings, whenever they were to be: never under "Upcoming"."""
        return [row for row in self.rows if row.cancelled]

    @property
    def shows_answers(self) -> bool:
        return any(row.my_answer is not None for row in self.rows)


# ---------------------------------------------------------------- the list


def _period(filters: Filters, now: datetime) -> ColumnElement[bool] | None:
    if filters.term is not None:
        start, end = filters.term.bounds()
        return and_(Meeting.starts_at >= start, Meeting.starts_at < end)
    if filters.period == ANY_DATE:
        return None
    return or_(Meeting.ends_at >= now - RECENT, day.minutes_overdue(now))


def _conditions(user: User, filters: Filters, now: datetime) -> list[ColumnElement[bool]]:
    conditions = [access.visible(user, now=now)]
    period = _period(filters, now)
    if period is not None:
        conditions.append(period)
    if filters.school_id is not None:
        conditions.append(Meeting.school_id == filters.school_id)
    if filters.cluster_id is not None:
        conditions.append(
            Meeting.school_id.in_(select(School.id).where(School.cluster_id == filters.cluster_id))
        )
    if filters.kind is not None:
        conditions.append(Meeting.kind == filters.kind)
    if filters.agency_id is not None:
        conditions.append(
            exists()
            .where(
                Invitation.meeting_id == Meeting.id,
                Invitation.removed_at.is_(None),
                or_(
                    Invitation.agency_id == filters.agency_id,
                    Invitation.representative_id.in_(
                        select(User.id).where(User.agency_id == filters.agency_id)
                    ),
                ),
            )
            .correlate(Meeting)
        )
    return conditions


def upcoming(now: datetime) -> ColumnElement[bool]:
    """A meeting under "Upcoming" in the list: not cancelled, and not yet ended (one going on
    now is still to come for the people at it)."""
    return and_(Meeting.ends_at > now, Meeting.status != CANCELLED)


def _invitations(*conditions) -> ColumnElement[int]:
    return (
        select(func.count(Invitation.id))
        .where(Invitation.meeting_id == Meeting.id, Invitation.removed_at.is_(None), *conditions)
        .correlate(Meeting)
        .scalar_subquery()
    )


def my_answer(user: User, *, for_me: bool = False) -> ColumnElement:
    """The answer on the invitation the person answers (their own first, else their agency's).
    `for_me`: only an invitation naming them or nobody, never one naming a colleague (which an
    agency's safeguarding lead also sees)."""
    if user.role not in ANSWERING_ROLES:
        return null()
    mine = access.covered(user)
    if for_me:
        mine = and_(
            mine,
            or_(Invitation.representative_id == user.id, Invitation.representative_id.is_(None)),
        )
    return (
        select(Invitation.answer)
        .where(Invitation.meeting_id == Meeting.id, Invitation.removed_at.is_(None), mine)
        .order_by(access.own_first(user), Invitation.id)
        .limit(1)
        .correlate(Meeting)
        .scalar_subquery()
    )


def count(user: User, filters: Filters, now: datetime | None = None) -> int:
    """How many meetings match, within this person's access."""
    now = now or utcnow()
    where = _conditions(user, filters, now)
    return db.session.scalar(select(func.count(Meeting.id)).where(*where)) or 0


def page_of(
    user: User, filters: Filters, page: int, total: int, now: datetime | None = None
) -> MeetingsPage:
    """One page of meetings with their counts, in one query: upcoming first (soonest first),
    then past meetings (latest first), then cancelled meetings (latest first)."""
    now = now or utcnow()
    size = current_app.config["PAGE_SIZE"]
    shown = window(page, total, size)
    cancelled = Meeting.status == CANCELLED
    to_come = upcoming(now)
    agenda_items = (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.meeting_id == Meeting.id, access.on_agenda_now())
        .correlate(Meeting)
        .scalar_subquery()
    )
    overdue = case((day.minutes_overdue(now), 1), else_=0)
    ordering = (
        case((to_come, 0), (cancelled, 2), else_=1),
        case((to_come, Meeting.starts_at)),
        Meeting.starts_at.desc(),
        Meeting.id,
    )
    # The page's meetings are chosen first, sorted on the meeting alone; only those 25 are
    # joined to their school and chair and counted (not every meeting of a region's list).
    chosen = (
        select(Meeting.id)
        .where(*_conditions(user, filters, now))
        .order_by(*ordering)
        .limit(shown.size)
        .offset(shown.start)
    )
    query = (
        select(
            Meeting,
            case((to_come, 1), else_=0).label("upcoming"),
            agenda_items.label("agenda_items"),
            _invitations().label("invited"),
            _invitations(Invitation.answer.in_(ANSWERABLE)).label("answered"),
            _invitations(Invitation.attendance == "attended").label("attended"),
            overdue.label("overdue"),
            my_answer(user).label("my_answer"),
        )
        .where(Meeting.id.in_(chosen))
        .options(joinedload(Meeting.school), joinedload(Meeting.chair))
        .order_by(*ordering)
    )
    rows = [
        MeetingRow(
            meeting=row.Meeting,
            upcoming=bool(row.upcoming),
            agenda_items=row.agenda_items or 0,
            invited=row.invited or 0,
            answered=row.answered or 0,
            attended=row.attended or 0,
            minutes_overdue=bool(row.overdue),
            my_answer=row.my_answer,
        )
        for row in db.session.execute(query)
    ]
    return MeetingsPage(rows, shown.number, shown.pages, total)


def listing(user: User, filters: Filters, page: int, now: datetime | None = None) -> MeetingsPage:
    """The meetings this person may see that match the filters, a page at a time; the read is
    audited (filters as ids and codes) and committed before the rows are loaded."""
    now = now or utcnow()
    total = count(user, filters, now)
    audit_view("meetings_listed", detail={**filters.audit_detail(), "page": page, "found": total})
    return page_of(user, filters, page, total, now)
