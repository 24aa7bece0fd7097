"""Lists of meetings: my meetings (upcoming and recent), a school's meetings, and a coordinator's
cluster or district view. Arrangements and counts only: no child is named in a list.

Every list goes through `access.visible`; filters are checked against the options this person
was offered, and the page runs the same queries whatever the number of meetings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, exists, func, null, or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view
from tas.core.choices import label
from tas.core.clock import LONDON, utcnow
from tas.extensions import db
from tas.meetings import access, rules
from tas.meetings.day import services as day
from tas.meetings.invitations.answers import ANSWERABLE
from tas.meetings.models import AgendaItem, Invitation, Meeting, Term
from tas.meetings.terms.services import term_label
from tas.organisations.models import Agency, Cluster, School, User

# "Recent": meetings that ended this long ago still show in the default list (an invited
# practitioner's view of a meeting ends 30 days after it, too).
RECENT = timedelta(days=30)
ANY_DATE = "all"  # the period that shows meetings on any date
CANCELLED = "cancelled"
# Roles that answer invitations: the list shows their own answer beside each meeting.
ANSWERING_ROLES = frozenset({*access.INVITABLE_ROLES, "gp"})


@dataclass(frozen=True)
class Option:
    """One choice a filter offers: the id (or code) and the words shown."""

    code: str
    label: str


@dataclass(frozen=True)
class TermOption:
    """A term a filter offers: its id, its name (Autumn term 2026 to 2027) and its dates."""

    id: int
    label: str
    starts_on: date
    ends_on: date

    def bounds(self) -> tuple[datetime, datetime]:
        """The term as UTC instants: from its first day's local midnight to the day after its
        last day's."""
        start = datetime.combine(self.starts_on, time(0), tzinfo=LONDON)
        end = datetime.combine(self.ends_on + timedelta(days=1), time(0), tzinfo=LONDON)
        return start, end


@dataclass(frozen=True)
class FilterOptions:
    """What the filters offer this person (plain values: they outlive the audit commit)."""

    terms: list[TermOption]
    schools: list[Option]
    clusters: list[Option]
    agencies: list[Option]

    def term(self, code: str | None) -> TermOption | None:
        return next((t for t in self.terms if str(t.id) == code), None)


@dataclass(frozen=True)
class Filters:
    """The filters chosen (ids and codes only); None for "any"."""

    period: str = ""  # "" upcoming and recent, "all" any date, or a term id
    school_id: int | None = None
    kind: str | None = None
    agency_id: int | None = None
    cluster_id: int | None = None
    term: TermOption | None = field(default=None, compare=False)

    def as_args(self) -> dict[str, str]:
        """The query string that gives these filters (for pagination links)."""
        values = {
            "term": self.period,
            "school": self.school_id,
            "type": self.kind,
            "agency": self.agency_id,
            "cluster": self.cluster_id,
        }
        return {name: str(value) for name, value in values.items() if value not in (None, "")}

    def audit_detail(self) -> dict:
        """The filters as the audit log keeps them: ids and codes, nothing typed."""
        return {
            "term_id": self.term.id if self.term else None,
            "any_date": self.period == ANY_DATE,
            "school_id": self.school_id,
            "kind": self.kind,
            "agency_id": self.agency_id,
            "cluster_id": self.cluster_id,
        }


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


# ---------------------------------------------------------------- what the filters offer


def filter_options(user: User, now: datetime | None = None) -> FilterOptions:
    """The terms, schools (with their clusters) and invited agencies this person may filter by,
    in three queries: schools and agencies are those of meetings they may see (and the schools
    they organise for, before any meeting is booked)."""
    now = now or utcnow()
    visible = access.visible(user, now=now)
    terms = [
        TermOption(row.id, term_label(row).capitalize(), row.starts_on, row.ends_on)
        for row in db.session.execute(
            select(Term.id, Term.academic_year, Term.name, Term.starts_on, Term.ends_on).order_by(
                Term.starts_on.desc(), Term.id
            )
        )
    ]
    school_ids = select(Meeting.school_id).where(visible)
    organising = access.organising_schools(user)
    if organising is not None and user.active:
        at_school = or_(School.id.in_(school_ids), School.id.in_(organising))
    else:
        at_school = School.id.in_(school_ids)
    schools = db.session.execute(
        select(School.id, School.name, Cluster.id.label("cluster_id"), Cluster.name.label("cl"))
        .join(Cluster, Cluster.id == School.cluster_id)
        .where(at_school)
        .order_by(School.name, School.id)
    ).all()
    clusters = sorted({(row.cl, row.cluster_id) for row in schools})
    # The agencies found from the visible meetings' invitations (by index), not each agency
    # of the region tested against every invitation.
    invited = select(Invitation.agency_id).where(
        Invitation.removed_at.is_(None),
        Invitation.meeting_id.in_(select(Meeting.id).where(visible)),
    )
    agencies = db.session.execute(
        select(Agency.id, Agency.name).where(Agency.id.in_(invited)).order_by(Agency.name)
    ).all()
    return FilterOptions(
        terms=terms,
        schools=[Option(str(row.id), row.name) for row in schools],
        clusters=[Option(str(cluster_id), name) for name, cluster_id in clusters],
        agencies=[Option(str(row.id), row.name) for row in agencies],
    )


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


def _invitations(*conditions) -> ColumnElement[int]:
    return (
        select(func.count(Invitation.id))
        .where(Invitation.meeting_id == Meeting.id, Invitation.removed_at.is_(None), *conditions)
        .correlate(Meeting)
        .scalar_subquery()
    )


def _my_answer(user: User) -> ColumnElement:
    if user.role not in ANSWERING_ROLES:
        return null()
    mine = access.covered(user)
    return (
        select(Invitation.answer)
        .where(Invitation.meeting_id == Meeting.id, Invitation.removed_at.is_(None), mine)
        .order_by((Invitation.representative_id == user.id).desc(), Invitation.id)
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
    pages = max(1, math.ceil(total / size))
    number = min(max(page, 1), pages)
    cancelled = Meeting.status == CANCELLED
    upcoming = and_(Meeting.ends_at > now, ~cancelled)
    agenda_items = (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.meeting_id == Meeting.id, access.on_agenda_now())
        .correlate(Meeting)
        .scalar_subquery()
    )
    overdue = case((day.minutes_overdue(now), 1), else_=0)
    query = (
        select(
            Meeting,
            case((upcoming, 1), else_=0).label("upcoming"),
            agenda_items.label("agenda_items"),
            _invitations().label("invited"),
            _invitations(Invitation.answer.in_(ANSWERABLE)).label("answered"),
            _invitations(Invitation.attendance == "attended").label("attended"),
            overdue.label("overdue"),
            _my_answer(user).label("my_answer"),
        )
        .where(*_conditions(user, filters, now))
        .options(joinedload(Meeting.school), joinedload(Meeting.chair))
        .order_by(
            case((upcoming, 0), (cancelled, 2), else_=1),
            case((upcoming, Meeting.starts_at)),
            Meeting.starts_at.desc(),
            Meeting.id,
        )
        .limit(size)
        .offset((number - 1) * size)
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
    return MeetingsPage(rows, number, pages, total)


def listing(user: User, filters: Filters, page: int, now: datetime | None = None) -> MeetingsPage:
    """The meetings this person may see that match the filters, a page at a time; the read is
    audited (filters as ids and codes) and committed before the rows are loaded."""
    now = now or utcnow()
    total = count(user, filters, now)
    audit_view("meetings_listed", detail={**filters.audit_detail(), "page": page, "found": total})
    return page_of(user, filters, page, total, now)


# ---------------------------------------------------------------- how a meeting's time reads
