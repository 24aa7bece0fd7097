"""Figures about meetings for the dashboard: attendance per agency per term, from one query.

Only held meetings count (a meeting is held once its minutes are complete), and only standing
invitations (a removed invitation was never an expectation to attend). A meeting belongs to the
term its local (Europe/London) date falls in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from tas.extensions import db
from tas.meetings.models import Invitation, Meeting, Term
from tas.organisations.models import Agency, User

OUTCOMES = ("attended", "apologies", "apologies_with_update", "did_not_attend")


class london_date(FunctionElement):
    """The Europe/London calendar date of a stored UTC time, in SQL, on both databases."""

    type = Date()
    inherit_cache = True
    name = "london_date"


@compiles(london_date, "postgresql")
def _london_date_postgresql(element, compiler, **kw):
    (moment,) = element.clauses
    return f"CAST(timezone('Europe/London', {compiler.process(moment, **kw)}) AS DATE)"


@compiles(london_date, "sqlite")
def _london_date_sqlite(element, compiler, **kw):
    """SQLite has no time zones: British Summer Time runs from 01:00 UTC on the last Sunday of
    March to 01:00 UTC on the last Sunday of October (the rule since 1996), an hour ahead."""
    moment = compiler.process(element.clauses.clauses[0], **kw)
    year = f"strftime('%Y', {moment})"

    def last_sunday(month: str) -> str:
        # The last Sunday of a month of 31 days is the first Sunday on or after the 25th.
        return f"datetime({year} || '-{month}-25', 'weekday 0', '+1 hour')"

    summer = f"({moment} >= {last_sunday('03')} AND {moment} < {last_sunday('10')})"
    return f"date(CASE WHEN {summer} THEN datetime({moment}, '+1 hour') ELSE {moment} END)"


@dataclass(frozen=True)
class AgencyAttendance:
    """One agency's invitations to held meetings in one term, and what became of them."""

    agency_id: int | None  # None: named people who belong to no agency
    agency_name: str | None
    term_id: int | None  # None: meetings outside any term (date range only)
    invited: int
    attended: int
    apologies: int
    apologies_with_update: int
    did_not_attend: int
    not_recorded: int

    @property
    def attendance_rate(self) -> float | None:
        """Attended as a share of invitations whose attendance was recorded."""
        recorded = self.invited - self.not_recorded
        return self.attended / recorded if recorded else None


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def attendance_by_agency(
    term_ids: Iterable[int] | None = None,
    *,
    between: tuple[date, date] | None = None,
    school_ids: Iterable[int] | None = None,
) -> list[AgencyAttendance]:
    """Per agency per term: invited, attended, apologies, apologies with update, did not attend
    (and attendance not recorded), for held meetings, from ONE query.

    Give `term_ids` (meetings in those terms), or `between` (first and last local date,
    inclusive; meetings outside every term come back with `term_id` None); `school_ids` narrows
    to those schools. An invitation of a named person counts for the person's agency.
    Ordered by term start (meetings outside every term last), then agency name.
    """
    if (term_ids is None) == (between is None):
        raise ValueError("Give either term_ids or between")
    representative = aliased(User)
    agency_id = func.coalesce(Invitation.agency_id, representative.agency_id)
    on_day = london_date(Meeting.starts_at)
    in_term = and_(on_day >= Term.starts_on, on_day <= Term.ends_on)
    attendance = Invitation.attendance
    query = (
        select(
            agency_id.label("agency_id"),
            Agency.name.label("agency_name"),
            Term.id.label("term_id"),
            func.count(Invitation.id).label("invited"),
            *(_count(attendance == outcome).label(outcome) for outcome in OUTCOMES),
            _count(attendance.is_(None)).label("not_recorded"),
        )
        .select_from(Invitation)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .outerjoin(representative, representative.id == Invitation.representative_id)
        .outerjoin(Agency, Agency.id == agency_id)
        .where(Meeting.status == "held", Invitation.removed_at.is_(None))
        .group_by(agency_id, Agency.name, Term.id, Term.starts_on)
        .order_by(Term.starts_on.is_(None), Term.starts_on, Agency.name, agency_id)
    )
    if term_ids is not None:
        query = query.join(Term, in_term).where(Term.id.in_(list(term_ids)))
    else:
        first, last = between
        query = query.outerjoin(Term, in_term).where(on_day >= first, on_day <= last)
    if school_ids is not None:
        query = query.where(Meeting.school_id.in_(list(school_ids)))
    return [
        AgencyAttendance(
            agency_id=row.agency_id,
            agency_name=row.agency_name,
            term_id=row.term_id,
            invited=row.invited,
            attended=row.attended,
            apologies=row.apologies,
            apologies_with_update=row.apologies_with_update,
            did_not_attend=row.did_not_attend,
            not_recorded=row.not_recorded,
        )
        for row in db.session.execute(query)
    ]
