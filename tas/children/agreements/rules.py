"""Pure rules for agreements and sharing decisions: ages, dates and markers. No Flask, no database;
"today" is always passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tas.core.words import long_date

# From this age the young person is asked whether they are competent to agree for themselves
# (Gillick competence); younger children give their view, and a parent agrees.
COMPETENCE_AGE = 12


@dataclass(frozen=True)
class Marker:
    """A marker that limits sharing a record further: its attribute, name and what it means."""

    code: str
    label: str
    hint: str


MARKERS = (
    Marker(
        "restricted",
        "Restricted",
        "Ask the agency or school it came from before sharing it further, "
        "for example police or health information",
    ),
    Marker(
        "not_for_parent",
        "Not to be disclosed to the parent",
        "Left out of anything the family sees",
    ),
    Marker("third_party", "Third-party information", "It is about someone other than the child"),
)
MARKER_CODES = tuple(marker.code for marker in MARKERS)


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date. Someone born on 29 February is a year older on 1 March in
    years without a 29 February, as English law counts it."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def asks_competence(date_of_birth: date, on: date) -> bool:
    """Whether the young person's competence to agree is asked about, for an agreement on `on`."""
    return age_on(date_of_birth, on) >= COMPETENCE_AGE


def agreement_date_problem(
    agreed_on: date, today: date, date_of_birth: date, current_on: date | None = None
) -> str | None:
    """What is wrong with the date a family agreed, if anything. A new agreement comes after
    the one that stands (`current_on`, its date): one dated before it would never be the
    current agreement, whatever it covers."""
    if agreed_on > today:
        return "Date they agreed must be today or in the past"
    if agreed_on < date_of_birth:
        return "Date they agreed must be on or after the child's date of birth"
    if current_on is not None and agreed_on < current_on:
        return (
            "Date they agreed must be on or after the date of the current agreement, "
            f"{long_date(current_on)}"
        )
    return None


def competence_not_asked(date_of_birth: date, agreed_on: date) -> str:
    """Why an answer about competence cannot be kept for an agreement on `agreed_on`."""
    return (
        f"The young person was {age_on(date_of_birth, agreed_on)} on the date they agreed, and "
        f"competence is asked from {COMPETENCE_AGE}: check the date they agreed, or save "
        "without an answer here"
    )


def withdrawal_date_problem(withdrawn_on: date, today: date, agreed_on: date) -> str | None:
    """What is wrong with the date a family withdrew agreement, if anything."""
    if withdrawn_on > today:
        return "Date agreement was withdrawn must be today or in the past"
    if withdrawn_on < agreed_on:
        return (
            "Date agreement was withdrawn must be on or after the date they agreed, "
            f"{agreed_on.day} {agreed_on:%B %Y}"
        )
    return None


def marker_labels(restricted: bool, not_for_parent: bool, third_party: bool) -> list[str]:
    """The names of the markers a record carries, in the usual order."""
    carried = {
        "restricted": restricted,
        "not_for_parent": not_for_parent,
        "third_party": third_party,
    }
    return [marker.label for marker in MARKERS if carried[marker.code]]
