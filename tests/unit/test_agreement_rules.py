"""Ages, dates and markers for agreements and sharing decisions, without an app."""

from datetime import date

import pytest

from tas.children.agreements import rules
from tas.core.fields import date_from_parts

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2014, 11, 20), date(2026, 11, 20), 12),  # the birthday itself
        (date(2014, 11, 21), date(2026, 11, 20), 11),  # the day before
        (date(2014, 12, 31), date(2027, 1, 1), 12),
        (date(2012, 2, 29), date(2024, 2, 29), 12),  # a leap day birthday in a leap year
        (date(2012, 2, 29), date(2025, 2, 28), 12),  # not 13 until 1 March
        (date(2012, 2, 29), date(2025, 3, 1), 13),
        (date(2026, 5, 1), date(2026, 11, 20), 0),
    ],
)
def test_age_on_a_date_counts_whole_years(born, on, age):
    assert rules.age_on(born, on) == age


@pytest.mark.parametrize(
    ("born", "asked"),
    [
        (date(2014, 11, 20), True),  # 12 today
        (date(2014, 11, 21), False),  # 12 tomorrow
        (date(2009, 1, 1), True),
        (date(2016, 5, 1), False),
    ],
)
def test_competence_is_asked_from_twelve(born, asked):
    assert rules.asks_competence(born, TODAY) is asked


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("1", "9", "2026"), (date(2026, 9, 1), None)),
        ((" 01 ", "09", "2026"), (date(2026, 9, 1), None)),
        (("", "", ""), (None, None)),
        (("  ", "", " "), (None, None)),
        (("", "9", "2026"), (None, "Date they agreed must include a day")),
        (("1", "", ""), (None, "Date they agreed must include a month and year")),
        (("31", "2", "2026"), (None, "Date they agreed must be a real date")),
        (("1", "13", "2026"), (None, "Date they agreed must be a real date")),
        (("1", "9", "26"), (None, "Date they agreed must include a year with 4 numbers")),
        (("1", "9", "20266"), (None, "Date they agreed must include a year with 4 numbers")),
        (("1", "9", "２０２６"), (None, "Date they agreed must be a real date")),
        (("one", "9", "2026"), (None, "Date they agreed must be a real date")),
        (("-1", "9", "2026"), (None, "Date they agreed must be a real date")),
        (("1", "1", "1900"), (date(1900, 1, 1), None)),
        (("31", "12", "2199"), (date(2199, 12, 31), None)),
        # The calendar's edges: no next day to count to (an export 500ed at 31 12 9999).
        (("31", "12", "9999"), (None, "Date they agreed must be between 1900 and 2199")),
        (("1", "1", "0001"), (None, "Date they agreed must be between 1900 and 2199")),
        (("31", "12", "1899"), (None, "Date they agreed must be between 1900 and 2199")),
    ],
)
def test_a_typed_date_becomes_a_date_or_says_what_to_put_right(parts, expected):
    assert date_from_parts(*parts, "Date they agreed") == expected


def test_an_agreement_date_cannot_be_in_the_future_or_before_birth():
    born = date(2016, 5, 1)
    assert rules.agreement_date_problem(TODAY, TODAY, born) is None
    assert rules.agreement_date_problem(born, TODAY, born) is None
    assert rules.agreement_date_problem(date(2026, 11, 21), TODAY, born) == (
        "Date they agreed must be today or in the past"
    )
    assert rules.agreement_date_problem(date(2016, 4, 30), TODAY, born) == (
        "Date they agreed must be on or after the child's date of birth"
    )


def test_a_withdrawal_date_is_between_the_agreement_and_today():
    agreed = date(2026, 9, 1)
    assert rules.withdrawal_date_problem(agreed, TODAY, agreed) is None
    assert rules.withdrawal_date_problem(TODAY, TODAY, agreed) is None
    assert rules.withdrawal_date_problem(date(2026, 11, 21), TODAY, agreed) == (
        "Date agreement was withdrawn must be today or in the past"
    )
    assert rules.withdrawal_date_problem(date(2026, 8, 31), TODAY, agreed) == (
        "Date agreement was withdrawn must be on or after the date they agreed, 1 September 2026"
    )


def test_markers_are_named_in_order():
    assert rules.marker_labels(False, False, False) == []
    assert rules.marker_labels(True, True, True) == [
        "Restricted",
        "Not to be disclosed to the parent",
        "Third-party information",
    ]
    assert rules.marker_labels(False, False, True) == ["Third-party information"]
    assert rules.MARKER_CODES == ("restricted", "not_for_parent", "third_party")


def test_a_new_agreement_is_dated_on_or_after_the_one_that_stands():
    born, current = date(2016, 5, 1), date(2026, 8, 3)
    assert rules.agreement_date_problem(current, TODAY, born, current) is None
    assert rules.agreement_date_problem(date(2023, 1, 1), TODAY, born, current) == (
        "Date they agreed must be on or after the date of the current agreement, 3 August 2026"
    )
    assert rules.agreement_date_problem(date(2023, 1, 1), TODAY, born, None) is None
