"""The pure rules about children: year groups, ages, NHS numbers, UPNs and school days."""

from __future__ import annotations

from datetime import date

import pytest

from tas.children import rules
from tas.core.days import add_working_days

# ---------------------------------------------------------------- year groups


@pytest.mark.parametrize(
    ("born", "today", "expected"),
    [
        # Reception is the academic year (1 September to 31 August) in which the child turns 5.
        (date(2021, 9, 1), date(2026, 11, 27), "Reception"),
        (date(2022, 8, 31), date(2026, 11, 27), "Reception"),
        (date(2021, 8, 31), date(2026, 11, 27), "Year 1"),  # youngest in the year above
        (date(2022, 9, 1), date(2026, 11, 27), "Nursery"),
        (date(2023, 9, 1), date(2026, 11, 27), "Not yet at nursery"),
        (date(2016, 5, 1), date(2026, 11, 27), "Year 6"),
        (date(2010, 9, 1), date(2026, 11, 27), "Year 11"),
        (date(2009, 8, 31), date(2026, 11, 27), "Year 13"),
        (date(2008, 8, 31), date(2026, 11, 27), "Beyond Year 13"),
        # The year changes on 1 September, not on the child's birthday or on 1 January.
        (date(2016, 5, 1), date(2026, 8, 31), "Year 5"),
        (date(2016, 5, 1), date(2026, 9, 1), "Year 6"),
        (date(2016, 5, 1), date(2027, 1, 1), "Year 6"),
        (date(2016, 12, 25), date(2026, 12, 24), "Year 5"),
        (date(2016, 12, 25), date(2026, 12, 26), "Year 5"),
        (date(2016, 2, 29), date(2026, 11, 27), "Year 6"),
    ],
)
def test_the_year_group_follows_the_english_academic_year(born, today, expected):
    assert rules.year_group_label(rules.year_group(born, today)) == expected


@pytest.mark.parametrize(
    ("override", "expected"),
    [(-1, "Nursery"), (0, "Reception"), (5, "Year 5"), (13, "Year 13")],
)
def test_a_school_can_set_the_year_group_by_hand(override, expected):
    born = date(2016, 5, 1)  # Year 6 by age
    assert rules.year_group_label(rules.year_group(born, date(2026, 11, 27), override)) == expected
    assert rules.facts(born, date(2026, 11, 27), override).year_group_set_by_hand


def test_the_year_groups_a_school_can_choose_run_from_nursery_to_year_13():
    labels = [rules.year_group_label(group) for group in rules.YEAR_GROUPS]
    assert labels[:3] == ["Nursery", "Reception", "Year 1"]
    assert labels[-1] == "Year 13"
    assert len(labels) == 15


@pytest.mark.parametrize(
    ("born", "today", "expected"),
    [
        (date(2016, 5, 1), date(2026, 4, 30), 9),
        (date(2016, 5, 1), date(2026, 5, 1), 10),
        (date(2016, 2, 29), date(2026, 2, 28), 9),
        (date(2016, 2, 29), date(2026, 3, 1), 10),
        (date(2026, 11, 27), date(2026, 11, 27), 0),
    ],
)
def test_age_in_whole_years(born, today, expected):
    assert rules.age(born, today) == expected


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        (date(2026, 11, 27), None),
        (date(2001, 11, 27), None),
        (date(2026, 11, 28), "Date of birth must be today or in the past"),
        (date(2000, 11, 26), "Date of birth must be for a child or young person aged 25 or under"),
    ],
)
def test_a_date_of_birth_must_be_a_child_or_young_persons(born, problem):
    assert rules.date_of_birth_problem(born, date(2026, 11, 27)) == problem


# ---------------------------------------------------------------- NHS number


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("9434765919", True),
        ("943 476 5919", True),  # spaces as the NHS prints it
        ("943-476-5919", True),
        (" 9434765919 ", True),
        ("9434765918", False),  # wrong check digit
        ("943476591", False),  # 9 digits
        ("94347659190", False),  # 11 digits
        ("94347659l9", False),  # a letter
        ("1000000060", True),  # remainder 0: the check digit is 0
        ("1000000061", False),
        # No number can start 100000001: its check digit would be 10.
        *((f"100000001{digit}", False) for digit in range(10)),
        ("٩٤٣٤٧٦٥٩١٩", False),  # digits, but not the ones an NHS number is written in
    ],
)
def test_an_nhs_number_has_ten_digits_and_a_modulus_11_check_digit(typed, valid):
    assert rules.valid_nhs_number(rules.normalise_nhs_number(typed)) is valid


def test_a_check_digit_of_10_means_no_valid_number():
    assert rules.nhs_check_digit("100000001") is None
    assert rules.nhs_check_digit("943476591") == 9


def test_an_nhs_number_is_shown_in_three_groups():
    assert rules.format_nhs_number("9434765919") == "943 476 5919"
    assert rules.format_nhs_number(None) == ""


# ---------------------------------------------------------------- UPN


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("B801200005001", True),
        ("b801 2000 05001", True),  # lower case and spaces as typed
        ("A801200005001", False),  # wrong check letter
        ("P207000016049", True),
        ("Q207000016049", False),
        ("M80120000500A", True),  # temporary: ends in a letter, counted as A = 0
        ("Y20700001604Z", True),  # temporary: Z counts as 22
        ("M80120000500B", False),  # the final letter is part of the check
        ("I80120000500A", False),  # I, O and S are never check letters
        ("M80120000500O", False),  # nor the last letter of a temporary UPN
        ("M8012000050A1", False),  # only the last character may be a letter
        ("B80120000500", False),  # 12 characters
        ("B8012000050011", False),  # 14 characters
        ("1801200005001", False),  # no check letter
        ("", False),
    ],
)
def test_a_upn_has_the_dfe_format_and_check_letter(typed, valid):
    assert rules.valid_upn(rules.normalise_upn(typed)) is valid


def test_the_check_letter_weights_characters_2_to_13_by_their_position():
    # 8x2 + 1x4 + 2x5 + 5x10 + 1x13 = 93 = 4 x 23 + 1, and 1 is B.
    assert rules.upn_check_letter("801200005001") == "B"
    assert rules.is_temporary_upn("M80120000500A")
    assert not rules.is_temporary_upn("B801200005001")


# ---------------------------------------------------------------- school days


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday: the next Monday
        (date(2026, 11, 25), 5, date(2026, 12, 2)),  # Wednesday: the next Wednesday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday: Monday
        (date(2026, 11, 28), 5, date(2026, 12, 4)),  # Saturday: counting starts on Monday
        (date(2026, 11, 29), 1, date(2026, 11, 30)),  # Sunday
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
        (date(2026, 12, 21), 5, date(2026, 12, 28)),  # weekdays only: no holidays yet
    ],
)
def test_school_days_skip_weekends(start, days, due):
    assert add_working_days(start, days) == due


def test_a_date_of_birth_comes_before_the_childs_earliest_records():
    said = rules.Dated("what the child said", date(2018, 6, 10), date(2018, 6, 10))
    event = rules.Dated("a chronology event", date(2018, 3, 3), date(2019, 3, 3))
    assert rules.date_of_birth_after_records(date(2018, 6, 10), [said, event]) is None
    assert rules.date_of_birth_after_records(date(2018, 6, 11), [said, event]) == (
        "Date of birth must be on or before 10 June 2018: what the child said is dated 10 June 2018"
    )
    assert rules.date_of_birth_after_records(date(2020, 1, 1), [event]) == (
        "Date of birth must be on or before 3 March 2019: a chronology event is dated "
        "3 March 2018, and can be no more than a year before birth"
    )
    assert rules.date_of_birth_after_records(date(2026, 1, 1), []) is None
