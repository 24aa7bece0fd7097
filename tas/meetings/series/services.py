"""A school's termly series: work out its dates from the pattern, the term dates and the bank
holidays (series_rules), show them, then book each one as an ordinary meeting through the
booking use case, all in one commit. Skipped dates are kept with the reason, so the organiser can
book a replacement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON, today, utcnow
from tas.core.days import academic_year
from tas.core.use_cases import Refused, commit, refuse_if
from tas.core.words import clock
from tas.extensions import db
from tas.meetings.access import may_organise_school
from tas.meetings.booking import services as booking
from tas.meetings.booking.checks import arrangement_problems
from tas.meetings.models import Meeting, MeetingSeries
from tas.meetings.rules import SCHEDULED
from tas.meetings.series import rules as series_rules
from tas.meetings.series.rules import PatternProblem, Skipped, Timed
from tas.meetings.terms.services import terms_of_years
from tas.organisations.models import User

EPOCH = datetime(2000, 1, 3, tzinfo=UTC)
NOTHING_TO_BOOK = (
    "None of the dates can be booked: they are all already past, outside term time or on bank "
    "holidays. Check the pattern and the term dates"
)


@dataclass
class SeriesPlan:
    """The meetings a pattern gives, those skipped and why, and clashes with other meetings."""

    booked: list[Timed]
    skipped: list[Skipped]
    clashes: dict[date, list[Meeting]] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """The dates to book, as the preview page carries them to the confirmation."""
        return ",".join(timed.on.isoformat() for timed in self.booked)


def occurrences(values: dict) -> series_rules.Occurrences:
    """The pattern's dates in term time, and those skipped (Refused when it gives none)."""
    try:
        if values["pattern"] == series_rules.EVERY_N_WEEKS:
            start, until = values["first_date"], values["until"]
            terms = terms_of_years(academic_year(start), academic_year(max(start, until)))
            return series_rules.every_n_weeks(
                start,
                values["weekday"],
                values["every_weeks"],
                until,
                terms,
                ENGLAND_AND_WALES,
                today(),
            )
        year = values["academic_year"]
        return series_rules.per_term(
            terms_of_years(year, year),
            values["weekday"],
            values["per_term"],
            ENGLAND_AND_WALES,
            today(),
        )
    except PatternProblem as problem:
        problems = dict(problem.problems)
        if values.get("until_term_id") is not None and "until_date" in problems:
            problems["until_term"] = problems.pop("until_date")
        raise Refused(problems) from None


def _clashes(values: dict, booked: list[Timed]) -> dict[date, list[Meeting]]:
    """Scheduled meetings of the school or the chair overlapping any of the dates (one query)."""
    if not booked:
        return {}
    whose = Meeting.school_id == values["school_id"]
    if values.get("chair_id") is not None:
        whose = or_(whose, Meeting.chair_id == values["chair_id"])
    nearby = db.session.scalars(
        select(Meeting)
        .options(joinedload(Meeting.school))
        .where(
            Meeting.status == SCHEDULED,
            Meeting.starts_at < booked[-1].ends_at,
            Meeting.ends_at > booked[0].starts_at,
            whose,
        )
        .order_by(Meeting.starts_at)
    )
    found: dict[date, list[Meeting]] = {}
    for other in nearby:
        for timed in booked:
            if other.starts_at < timed.ends_at and other.ends_at > timed.starts_at:
                found.setdefault(timed.on, []).append(other)
    return found


def plan(user: User, values: dict) -> SeriesPlan:
    """What the series would book: checked as a booking is, but not saved."""
    problems, timed = _checked(user, values)
    refuse_if(problems)
    booked, skipped = timed
    return SeriesPlan(booked, skipped, _clashes(values, booked))


def plan_problems(user: User, values: dict) -> dict[str, str]:
    """Field -> what to put right, beside the form's own errors: the place, link and chair, and
    the pattern once every part of it was given."""
    return _checked(user, values)[0]


def _checked(user: User, values: dict) -> tuple[dict[str, str], tuple[list[Timed], list[Skipped]]]:
    if not may_organise_school(user, values.get("school_id")):
        # Nothing is checked against a school the person does not book for (its children's
        # names are not theirs to test text against): tas.meetings.booking.services.
        return {"school": "Select a school you book meetings for"}, ([], [])
    # The place, link and chair are checked as a booking checks them (the form checked times).
    arrangements = {**values, "starts_at": EPOCH, "ends_at": EPOCH + timedelta(hours=1)}
    problems = arrangement_problems(arrangements)
    if not _pattern_given(values):
        return problems, ([], [])
    try:
        found = occurrences(values)
    except Refused as refused:
        return {**refused.problems, **problems}, ([], [])
    if values.get("starts") is None or values.get("ends") is None:
        # The times are put right first: the dates are timed (and counted) once they are.
        return problems, ([], [])
    booked, skipped = series_rules.timed(found, values["starts"], values["ends"], LONDON, utcnow())
    if not booked:
        problems["pattern"] = NOTHING_TO_BOOK
    return problems, (booked, skipped)


def _pattern_given(values: dict) -> bool:
    """Every part of the pattern was given (and read)."""
    if values.get("pattern") == series_rules.EVERY_N_WEEKS:
        needed = ("every_weeks", "first_date", "until")
    elif values.get("pattern") == series_rules.PER_TERM:
        needed = ("academic_year", "per_term")
    else:
        return False
    return all(values.get(name) is not None for name in ("weekday", *needed))


def settings_of(values: dict) -> dict:
    """The pattern as chosen, as MeetingSeries.settings keeps it."""
    keep = ("weekday", "every_weeks", "until_term_id", "academic_year", "per_term")
    settings = {name: values.get(name) for name in keep if values.get(name) is not None}
    for name in ("first_date", "until"):
        if values.get(name) is not None:
            settings[name] = values[name].isoformat()
    settings["starts"] = clock(values["starts"])
    settings["ends"] = clock(values["ends"])
    return settings


def create(user: User, values: dict, planned: SeriesPlan) -> MeetingSeries:
    """Book every meeting of the series and keep the skipped dates: one commit."""
    series = MeetingSeries(
        school_id=values["school_id"],
        kind=values["kind"],
        pattern=values["pattern"],
        settings=settings_of(values),
        skipped=[skipped.stored() for skipped in planned.skipped],
        created_by_id=user.id,
    )
    shared = {
        name: values.get(name)
        for name in ("school_id", "kind", "location", "online_link", "chair_id")
    }
    shared["notes_for_attendees"] = values.get("notes_for_attendees")

    def write() -> MeetingSeries:
        db.session.add(series)
        db.session.flush()
        for timed in planned.booked:
            booking.add_meeting(
                user,
                {**shared, "starts_at": timed.starts_at, "ends_at": timed.ends_at},
                anyway=True,  # the preview showed the clashes and the organiser confirmed
                on_closed_day=True,  # the series skipped the days the school is closed
                series_id=series.id,
            )
        record(
            "series_created",
            target=series,
            detail={
                "school_id": series.school_id,
                "meetings": len(planned.booked),
                "skipped": len(planned.skipped),
            },
        )
        return series

    try:
        return commit(write)
    except Refused:
        db.session.rollback()
        raise


def require(user: User, series_id: int) -> MeetingSeries | None:
    """The series, for those who book meetings at its school; otherwise None (a 404)."""
    series = db.session.get(MeetingSeries, series_id)
    if series is None or not may_organise_school(user, series.school_id):
        return None
    return series


def meetings_of(series: MeetingSeries) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.series_id == series.id)
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def skipped_of(series: MeetingSeries) -> list[Skipped]:
    return [Skipped(date.fromisoformat(item["on"]), item["reason"]) for item in series.skipped]
