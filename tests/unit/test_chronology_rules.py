"""The cumulative harm rule at its boundaries (exactly 3 events in exactly 90 days, 2 of one
category in exactly 30), what clears it and what brings it back, the settings, and the
partnership's own list of categories."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tas.chronology.rules import (
    DEFAULT_CATEGORIES,
    Entry,
    Event,
    HarmSettings,
    categories,
    cumulative_harm,
    earliest_event_on,
    event_date_problem,
    harm_review_date_problem,
    latest_birth_for_event,
    ordered,
)

TODAY = date(2026, 12, 11)
LABELS = {c.code: c.label for c in DEFAULT_CATEGORIES}


def event(days_ago: int, category: str = "housing", n: int = 0, recorded_days_ago=None) -> Event:
    happened = TODAY - timedelta(days=days_ago)
    recorded = TODAY - timedelta(days=days_ago if recorded_days_ago is None else recorded_days_ago)
    return Event(n or days_ago, happened, category, datetime(*recorded.timetuple()[:3], tzinfo=UTC))


@pytest.mark.parametrize(
    ("days_ago", "flagged"),
    [
        ((89, 40, 0), True),  # the first on the 90th day counting today: three in 90 days
        ((90, 40, 0), False),  # the first 91 days back: two in 90 days
        ((89, 89, 89), True),
        ((60, 30), False),  # two are not enough
    ],
)
def test_three_events_in_90_days(days_ago, flagged):
    events = [
        event(d, category, n)
        for n, (d, category) in enumerate(
            zip(days_ago, ("housing", "exclusion", "bereavement"), strict=False), start=1
        )
    ]
    harm = cumulative_harm(events, TODAY, labels=LABELS)
    assert (harm is not None) == flagged
    if flagged and days_ago == (89, 40, 0):
        assert harm.reason == (
            "3 significant events in 90 days: housing on 13 September 2026, exclusion on "
            "1 November 2026, bereavement on 11 December 2026"
        )


@pytest.mark.parametrize(
    ("days_ago", "flagged"),
    [((29, 0), True), ((30, 0), False), ((29, 29), True)],
)
def test_two_of_one_category_in_30_days(days_ago, flagged):
    events = [event(d, "missing", n) for n, d in enumerate(days_ago, start=1)]
    harm = cumulative_harm(events, TODAY, labels=LABELS)
    assert (harm is not None) == flagged
    if flagged:
        first = TODAY - timedelta(days=days_ago[0])
        second = TODAY - timedelta(days=days_ago[1])
        assert harm.reason == (
            f"2 events of one category (missing episode) in 30 days: on {first.day} "
            f"{first:%B %Y} and {second.day} {second:%B %Y}"
        )
        assert [e.id for e in harm.events] == [1, 2]


def test_other_events_make_no_pattern_of_one_category():
    assert cumulative_harm([event(5, "other", 1), event(2, "other", 2)], TODAY) is None


def test_future_events_do_not_count_yet():
    assert cumulative_harm([event(-3, "missing", 1), event(2, "missing", 2)], TODAY) is None


def test_a_decision_clears_the_pattern_until_a_new_event_arrives():
    events = [event(40, "housing", 1), event(20, "exclusion", 2), event(10, "self_harm", 3)]
    decided = datetime(2026, 12, 5, tzinfo=UTC)
    assert cumulative_harm(events, TODAY, cleared_at=decided) is None
    # An event that happened earlier but is recorded after the decision is new to it.
    late = event(60, "bereavement", 4, recorded_days_ago=1)
    assert cumulative_harm([*events, late], TODAY, cleared_at=decided) is not None
    # The 90 days move on: a pattern that no longer holds does not come back.
    assert cumulative_harm(events, TODAY + timedelta(days=60), cleared_at=None) is None


def test_the_thresholds_are_settings():
    events = [event(50, "housing", 1), event(20, "exclusion", 2)]
    assert cumulative_harm(events, TODAY) is None
    assert cumulative_harm(events, TODAY, HarmSettings(events=2, days=60)) is not None


def test_the_partnership_names_its_own_categories_and_other_is_always_last():
    assert categories(None) == DEFAULT_CATEGORIES
    chosen = categories("Exclusion; Knife crime ; County lines;Other; Exclusion")
    assert [(c.code, c.label) for c in chosen] == [
        ("exclusion", "Exclusion"),
        ("knife_crime", "Knife crime"),
        ("county_lines", "County lines"),
        ("other", "Other"),
    ]


def test_the_timeline_is_newest_first_and_in_recorded_order_within_a_day():
    day = date(2026, 12, 1)
    entries = [
        Entry(day, "event", "b", order=2),
        Entry(day - timedelta(days=1), "voice", "old"),
        Entry(day, "event", "a", order=1),
    ]
    assert [e.title for e in ordered(entries)] == ["b", "a", "old"]


BORN = date(2016, 5, 1)


@pytest.mark.parametrize(
    ("done_on", "flagged", "problem"),
    [
        (TODAY, True, None),
        (TODAY - timedelta(days=2), True, None),  # the day of the latest event
        (TODAY - timedelta(days=3), True, "on or after 9 December 2026, the date of the latest"),
        (date(1900, 1, 1), True, "on or after 9 December 2026"),
        (TODAY + timedelta(days=1), True, "must be today or in the past"),
        (date(1900, 1, 1), False, "on or after the child's date of birth, 1 May 2016"),
        (BORN, False, None),
    ],
)
def test_a_decision_is_dated_after_the_events_it_answers(done_on, flagged, problem):
    pattern = cumulative_harm([event(20, "housing"), event(10, "exclusion"), event(2)], TODAY)
    assert pattern is not None
    found = harm_review_date_problem(
        done_on, "neglect_toolkit", TODAY, BORN, pattern if flagged else None
    )
    if problem is None:
        assert found is None
    else:
        assert found.startswith("The date the Neglect Toolkit was completed must be")
        assert problem in found


@pytest.mark.parametrize(
    ("born", "earliest"),
    [(date(2016, 5, 1), date(2015, 5, 1)), (date(2016, 2, 29), date(2015, 2, 28))],
)
def test_an_event_may_be_dated_from_a_year_before_birth(born, earliest):
    assert earliest_event_on(born) == earliest
    assert event_date_problem(earliest, TODAY, born) is None
    assert event_date_problem(earliest - timedelta(days=1), TODAY, born) == (
        f"The date of the event must be on or after {earliest.day} {earliest:%B %Y}, a year "
        "before the child's date of birth"
    )


@pytest.mark.parametrize(
    ("happened_on", "born_by"),
    [
        (date(2020, 3, 3), date(2021, 3, 3)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 2, 28), date(2024, 2, 29)),
    ],
)
def test_the_latest_birth_an_event_allows_is_the_inverse_of_the_earliest_event(
    happened_on, born_by
):
    assert latest_birth_for_event(happened_on) == born_by
    assert earliest_event_on(born_by) <= happened_on
    assert earliest_event_on(born_by + timedelta(days=1)) > happened_on
