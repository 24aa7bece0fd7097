"""Term dates: a coordinator enters each term of an academic year (with its half-term holiday);
everyone who sees meetings reads them. Series of meetings and school days are built on them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tas.audit.services import audit_fields, plain, record
from tas.core.choices import label
from tas.core.days import academic_year
from tas.core.school_calendar import TermDates
from tas.core.use_cases import check_version, commit, refuse_if
from tas.extensions import db
from tas.meetings import access, rules
from tas.meetings.models import Term
from tas.meetings.series.rules import in_term
from tas.organisations.models import User

__all__ = ["academic_year", "in_term", "terms_between"]


def may_read(user: User) -> bool:
    """Everyone who may see meetings reads the term dates."""
    return bool(user.active) and user.role in access.LISTING_ROLES


def may_set(user: User) -> bool:
    """Coordinators enter and change term dates."""
    return bool(user.active) and user.role == "coordinator"


def year_label(year: int) -> str:
    return f"{year} to {year + 1}"


def term_label(term: Term | TermDates) -> str:
    """autumn term 2026 to 2027 (capitalise it to start a sentence)."""
    return f"{label(rules.TERM_NAMES, term.name).lower()} {year_label(term.academic_year)}"


def by_year() -> list[tuple[int, list[Term]]]:
    """Every term, grouped by academic year, the latest year first (one query)."""
    years: dict[int, list[Term]] = {}
    for term in db.session.scalars(
        select(Term).order_by(Term.academic_year.desc(), Term.starts_on)
    ):
        years.setdefault(term.academic_year, []).append(term)
    return list(years.items())


def terms_between(start: date, end: date) -> list[Term]:
    """The terms that have any day from `start` to `end`, in date order."""
    return list(
        db.session.scalars(
            select(Term)
            .where(Term.starts_on <= end, Term.ends_on >= start)
            .order_by(Term.starts_on)
        )
    )


def terms_of_years(first: int, last: int) -> list[TermDates]:
    """The terms of the academic years `first` to `last`, as the pure rules take them."""
    return [
        TermDates.of(term)
        for term in db.session.scalars(
            select(Term)
            .where(Term.academic_year >= first, Term.academic_year <= last)
            .order_by(Term.starts_on)
        )
    ]


def terms_from(day: date) -> list[Term]:
    """The terms that end on or after the day, in date order (for choosing a series' end)."""
    return list(
        db.session.scalars(select(Term).where(Term.ends_on >= day).order_by(Term.starts_on))
    )


def _dates_problems(values: dict) -> dict[str, str]:
    """What is wrong with the dates given (a date the form refused comes as None, and is left
    to the form's own message)."""
    problems = {}
    year = values.get("academic_year")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts is not None and ends is not None and ends <= starts:
        problems["ends_on"] = "The last day of term must be after the first day"
    if year is not None:
        first, last = date(year, 9, 1), date(year + 1, 8, 31)
        within = (
            f"The term must be within the {year_label(year)} academic year: 1 September {year} "
            f"to 31 August {year + 1}"
        )
        if starts is not None and not first <= starts <= last:
            problems["starts_on"] = within
        if ends is not None and not first <= ends <= last:
            problems["ends_on"] = within
    half_starts, half_ends = values.get("half_term_starts_on"), values.get("half_term_ends_on")
    if half_starts is None and half_ends is not None:
        problems["half_term_starts_on"] = (
            "Enter the first day of the half-term holiday, or leave both half-term dates blank"
        )
    elif half_ends is None and half_starts is not None:
        problems["half_term_ends_on"] = (
            "Enter the last day of the half-term holiday, or leave both half-term dates blank"
        )
    elif half_starts is not None and half_ends is not None:
        term_stands = (
            starts is not None and ends is not None and not {"starts_on", "ends_on"} & set(problems)
        )
        if half_ends < half_starts:
            problems["half_term_ends_on"] = (
                "The half-term holiday must end on or after its first day"
            )
        elif term_stands and not (starts < half_starts and half_ends < ends):
            # Checked against the term's dates only once they stand.
            problems["half_term_starts_on"] = (
                "The half-term holiday must be inside the term, after its first day and before "
                "its last"
            )
    return problems


def term_problems(values: dict, term: Term | None = None) -> dict[str, str]:
    """What is wrong with a term's dates, by form field."""
    problems = _dates_problems(values)
    others = select(Term)
    if term is not None:
        others = others.where(Term.id != term.id)
    year, name = values.get("academic_year"), values.get("name")
    same = None
    if year is not None and name is not None:
        same = db.session.scalar(others.where(Term.academic_year == year, Term.name == name))
    if same is not None:
        problems["name"] = f"The {term_label(same)} has already been entered: change it instead"
    dates_stand = values.get("starts_on") is not None and values.get("ends_on") is not None
    if dates_stand and "ends_on" not in problems and "starts_on" not in problems:
        overlapping = db.session.scalar(
            others.where(
                Term.starts_on <= values["ends_on"], Term.ends_on >= values["starts_on"]
            ).order_by(Term.starts_on)
        )
        if overlapping is not None:
            problems["starts_on"] = (
                f"These dates overlap the {term_label(overlapping)}, "
                f"{overlapping.starts_on.day} {overlapping.starts_on:%B %Y} to "
                f"{overlapping.ends_on.day} {overlapping.ends_on:%B %Y}"
            )
    return problems


def add_term(user: User, values: dict) -> Term:
    refuse_if(term_problems(values))
    term = Term(**values)

    def write() -> Term:
        db.session.add(term)
        db.session.flush()
        record("term_added", target=term, detail=audit_fields(values))
        return term

    return commit(write)


def change_term(term: Term, user: User, version: int | None, values: dict) -> dict:
    """Change a term's dates, unless someone else saved it since the form was opened; what
    changed (nothing: {})."""
    check_version(term, version)
    refuse_if(term_problems(values, term))
    changed = {name: value for name, value in values.items() if getattr(term, name) != value}
    if not changed:
        return changed
    for name, value in changed.items():
        setattr(term, name, value)

    def write() -> dict:
        record("term_changed", target=term, detail=audit_fields(plain(changed)))
        db.session.flush()
        return changed

    return commit(write)
