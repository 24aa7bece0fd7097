"""Pure rules about children: year groups, ages, NHS numbers, UPNs and school days.

No Flask and no database here; "today" is always passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tas.core.days import academic_year
from tas.core.words import long_date

# ---------------------------------------------------------------- year groups and ages

NURSERY = -1
RECEPTION = 0
LAST_YEAR_GROUP = 13
# The year groups a school can set by hand, in school order, as stored (an integer).
YEAR_GROUPS: tuple[int, ...] = tuple(range(NURSERY, LAST_YEAR_GROUP + 1))
OLDEST_AGE = 25  # young people with special educational needs are supported up to 25


def reception_year(date_of_birth: date) -> int:
    """The academic year in which the child turns 5, and so starts Reception."""
    # A birthday from September to December falls in the academic year starting that calendar
    # year; one from January to August in the academic year that started the year before.
    fifth_birthday_year = date_of_birth.year + 5
    return fifth_birthday_year if date_of_birth.month >= 9 else fifth_birthday_year - 1


def year_group(date_of_birth: date, today: date, override: int | None = None) -> int:
    """The child's year group: -1 Nursery, 0 Reception, 1 to 13 Year 1 to Year 13.

    Worked out from the date of birth unless the school set it by hand (a child taught out of
    their age group). Younger than Nursery gives less than -1, past Year 13 more than 13.
    """
    if override is not None:
        return override
    return academic_year(today) - reception_year(date_of_birth)


def year_group_label(group: int) -> str:
    """A year group in the words schools use."""
    if group < NURSERY:
        return "Not yet at nursery"
    if group == NURSERY:
        return "Nursery"
    if group == RECEPTION:
        return "Reception"
    if group > LAST_YEAR_GROUP:
        return "Beyond Year 13"
    return f"Year {group}"


def age(date_of_birth: date, today: date) -> int:
    """Age in whole years on `today`."""
    had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - (0 if had_birthday else 1)


def date_of_birth_problem(date_of_birth: date, today: date) -> str | None:
    """What is wrong with a date of birth for a child or young person, if anything."""
    if date_of_birth > today:
        return "Date of birth must be today or in the past"
    if age(date_of_birth, today) > OLDEST_AGE:
        return f"Date of birth must be for a child or young person aged {OLDEST_AGE} or under"
    return None


@dataclass(frozen=True)
class Dated:
    """The earliest record of one kind about a child: what it is, its date, and the latest date
    of birth that keeps it (its date, or later for what may come before birth)."""

    what: str  # "what the child said", "a chronology event"...
    on: date
    born_by: date


def date_of_birth_after_records(date_of_birth: date, records: Iterable[Dated]) -> str | None:
    """What is wrong with a changed date of birth given the child's dated records: it cannot
    come after the earliest of them (a child is not heard, nor agreed for, before birth)."""
    first = min(records, key=lambda r: r.born_by, default=None)
    if first is None or date_of_birth <= first.born_by:
        return None
    said = f"Date of birth must be on or before {long_date(first.born_by)}: {first.what} is dated"
    if first.born_by == first.on:
        return f"{said} {long_date(first.on)}"
    return f"{said} {long_date(first.on)}, and can be no more than a year before birth"


@dataclass(frozen=True)
class ChildFacts:
    """What the child's page says about their age and school year on a given day."""

    age: int
    year_group: str
    year_group_set_by_hand: bool


def facts(date_of_birth: date, today: date, override: int | None = None) -> ChildFacts:
    return ChildFacts(
        age=age(date_of_birth, today),
        year_group=year_group_label(year_group(date_of_birth, today, override)),
        year_group_set_by_hand=override is not None,
    )


# ---------------------------------------------------------------- NHS number

NHS_NUMBER = re.compile(r"^[0-9]{10}$")
NHS_SEPARATORS = re.compile(r"[\s-]+")


def normalise_nhs_number(text: str) -> str:
    """An NHS number as typed, without the spaces or hyphens people put in it."""
    return NHS_SEPARATORS.sub("", text)


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for the first nine digits, or None when no number can have
    them (the check digit would be 10)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def valid_nhs_number(number: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the other nine."""
    if not NHS_NUMBER.match(number):
        return False
    return nhs_check_digit(number[:9]) == int(number[9])


def format_nhs_number(number: str | None) -> str:
    """An NHS number the way the NHS prints it: 943 476 5919."""
    if not number or len(number) != 10:
        return number or ""
    return f"{number[:3]} {number[3:6]} {number[6:]}"


# ---------------------------------------------------------------- Unique pupil number (UPN)

# The DfE's check letters: the alphabet without I, O and S, each standing for 0 to 22.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# A check letter, 11 digits (LA number, establishment number, year of allocation, serial),
# then a digit, or a letter when the UPN is temporary.
UPN = re.compile(rf"^[{UPN_LETTERS}][0-9]{{11}}[0-9{UPN_LETTERS}]$")


def normalise_upn(text: str) -> str:
    """A UPN as typed, in capitals and without spaces."""
    return "".join(text.split()).upper()


def upn_check_letter(last_twelve: str) -> str:
    """The DfE check letter for characters 2 to 13 of a UPN.

    Each character is multiplied by its position (character 2 by 2, up to character 13 by 13),
    a temporary UPN's final letter counting as its place in the check-letter table (A = 0); the
    remainder of the sum divided by 23 picks the letter from the same table.
    """
    total = 0
    for position, character in enumerate(last_twelve, start=2):
        value = int(character) if character.isdigit() else UPN_LETTERS.index(character)
        total += value * position
    return UPN_LETTERS[total % 23]


def valid_upn(upn: str) -> bool:
    """13 characters in the DfE's format, starting with the right check letter."""
    return bool(UPN.match(upn)) and upn_check_letter(upn[1:]) == upn[0]


def is_temporary_upn(upn: str) -> bool:
    """A temporary UPN ends in a letter; the permanent one replaces it later."""
    return bool(upn) and upn[-1].isalpha()


# ---------------------------------------------------------------- school days


# ---------------------------------------------------------------- numbers already recorded

NUMBER_FIELDS = {"nhs_number": "NHS number", "upn": "UPN"}


def number_recorded_message(field: str, *, seen: bool, can_ask: bool) -> str:
    """What someone adding or changing a child is told when another record has the number.

    A record they may not see gets the same words whoever holds it and at whichever school,
    their own included: nothing says where, or whose (issue 11, section 6). That the number is
    recorded somewhere is all it gives away, and a unique number has to say that much.
    """
    number = f"This {NUMBER_FIELDS[field]}"
    if seen:
        return (
            f"{number} is already recorded for a child you can see: check it and enter it "
            "again, or open their record"
        )
    if can_ask:
        return (
            f"{number} is already recorded on another record: check it and enter it again, "
            "or ask the coordinator to check"
        )
    return f"{number} is already recorded on another record: check it and enter it again"


def check_reference(check_id: int) -> str:
    """A request to check a record, as people quote it: CHK-0007."""
    return f"CHK-{check_id:04d}"
