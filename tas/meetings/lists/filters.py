"""What a meetings list can be filtered by: the terms, schools, clusters and agencies this person
may choose from, and the filters they chose (ids and codes only, never typed words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import starmap

from sqlalchemy import exists, or_, select

from tas.core.clock import LONDON, utcnow
from tas.extensions import db
from tas.meetings import access
from tas.meetings.models import Invitation, Meeting, Term
from tas.meetings.terms.services import term_label
from tas.organisations.models import Agency, School, User
from tas.organisations.services import school_filter

ANY_DATE = "all"  # the period that shows meetings on any date


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
    school_hint: str = ""  # why the schools listed are not all (tas.core.choices)

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


# ---------------------------------------------------------------- what the filters offer


def filter_options(
    user: User,
    now: datetime | None = None,
    *,
    cluster: str | None = None,
    school: str | None = None,
    narrowed: bool = False,
) -> FilterOptions:
    """The terms, schools and invited agencies this person may filter by, and a coordinator's
    clusters, in three queries (a coordinator's four): schools and agencies are those of
    meetings they may see (and the schools they organise for, before any meeting is booked).
    `narrowed` (a coordinator's list) lists the schools of the `cluster` (or `school`) chosen
    when they are many."""
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
    coordinator = user.role == "coordinator"
    if coordinator and user.active:
        # Every school they cover, booked or not: which have no meetings is theirs to see too.
        at_school = School.id.in_(access.coordinated_schools(user))
    elif organising is not None and user.active:
        at_school = or_(School.id.in_(school_ids), School.id.in_(organising))
    else:
        at_school = School.id.in_(school_ids)
    schools = school_filter(
        at_school, cluster, school, clusters=coordinator, narrowed=narrowed and coordinator
    )
    # The agencies found from the visible meetings' invitations (by index), not each agency
    # of the region tested against every invitation.
    if access.sees_every_meeting(user):
        # Every meeting: an agency is offered when any standing invitation names it, found by
        # the agency's index and stopping at the first.
        invited = exists().where(Invitation.agency_id == Agency.id, Invitation.removed_at.is_(None))
    else:
        invited = Agency.id.in_(
            select(Invitation.agency_id).where(
                Invitation.removed_at.is_(None),
                Invitation.meeting_id.in_(select(Meeting.id).where(visible)),
            )
        )
    agencies = db.session.execute(
        select(Agency.id, Agency.name).where(invited).order_by(Agency.name)
    ).all()
    return FilterOptions(
        terms=terms,
        schools=list(starmap(Option, schools.schools)),
        clusters=list(starmap(Option, schools.clusters)),
        school_hint=schools.hint,
        agencies=[Option(str(row.id), row.name) for row in agencies],
    )
