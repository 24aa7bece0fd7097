"""GP notification rules: working days, due dates, secure mailboxes and the status words."""

from __future__ import annotations

from datetime import date

import pytest

from tas.core.days import add_working_days
from tas.plans.gp import rules as gp_rules

MON, TUE, THU, FRI, SAT, SUN = (date(2026, 10, d) for d in (12, 13, 15, 16, 17, 18))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MON, 5, date(2026, 10, 19)),  # a whole week later
        (THU, 5, date(2026, 10, 22)),  # across a weekend
        (FRI, 1, date(2026, 10, 19)),  # Friday + 1 is Monday
        (SAT, 1, date(2026, 10, 19)),  # a weekend start counts from Monday
        (SUN, 5, date(2026, 10, 23)),
        (TUE, 0, TUE),
    ],
)
def test_working_days_skip_weekends(start, days, expected):
    assert add_working_days(start, days) == expected


def test_working_days_skip_given_holidays():
    christmas = {date(2026, 12, 25), date(2026, 12, 28)}

    assert add_working_days(date(2026, 12, 24), 1, christmas) == date(2026, 12, 29)


def test_the_first_involvement_is_the_earliest_start_or_else_the_plans_start():
    plan_start = date(2026, 9, 8)

    assert gp_rules.first_involvement_day([date(2026, 9, 20), date(2026, 9, 14)], plan_start) == (
        date(2026, 9, 14)
    )
    assert gp_rules.first_involvement_day([None, date(2026, 9, 20)], plan_start) == plan_start
    assert gp_rules.first_involvement_day([], plan_start) is None


@pytest.mark.parametrize(
    ("address", "secure"),
    [
        ("safeguarding.b99001@nhs.net", True),
        ("Safeguarding@NHS.Net", True),
        ("team@wakefield.nhs.net", True),  # a subdomain
        ("team@evilnhs.net", False),  # not a subdomain: only ends with the letters
        ("team@nhs.net.evil.example", False),
        ("team@nhs.net.", True),
        ("team@surgery.example.org", False),
        ("a@b@nhs.net", False),
        ("a,b@nhs.net", False),
        ("a b@nhs.net", False),
        ("a@nhs.net\r\nBcc: x@evil.example", False),
        ("@nhs.net", False),
        ("nhs.net", False),
        ("", False),
        (None, False),
    ],
)
def test_only_allow_listed_domains_are_secure(address, secure):
    assert gp_rules.secure_address(address, ["nhs.net"]) is secure


def test_an_empty_allow_list_makes_nothing_secure():
    assert gp_rules.secure_address("a@nhs.net", []) is False


def status(**given):
    facts = {
        "plan_open": True,
        "gp_known": True,
        "first_involved": THU,
        "sent_on": None,
        "method": None,
        "working_days": 5,
        "today": MON,
    }
    return gp_rules.status(**{**facts, **given})


def test_the_status_is_due_then_overdue_after_five_working_days():
    due = status(today=date(2026, 10, 22))
    overdue = status(today=date(2026, 10, 23))

    assert (due.state, due.text, due.missing) == ("due", "Due by 22 October 2026", True)
    assert overdue.state == "overdue"
    assert overdue.text == "Overdue: it was due by 22 October 2026"
    assert overdue.after_tag == "Due by 22 October 2026"  # beside an "Overdue" tag
    assert gp_rules.flag(overdue) == "GP notification overdue: it was due by 22 October 2026"


def test_a_sent_notification_says_when_and_how():
    sent = status(sent_on=date(2026, 10, 14), method="Secure email")

    assert (sent.state, sent.text, sent.missing) == (
        "sent",
        "Sent 14 October 2026 by secure email",
        False,
    )
    assert gp_rules.flag(sent) is None


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ({"gp_known": False}, "GP practice is not known"),
        ({"first_involved": None}, "no agency is actively involved"),
        ({"plan_open": False}, "plan is closed"),
    ],
)
def test_no_notification_is_expected_without_a_practice_or_an_involvement(given, why):
    state = status(**given)

    assert state.state == "not_expected"
    assert why in state.text
    assert not state.missing


def test_subjects_carry_the_plan_reference_only():
    assert gp_rules.subject("initial", "TAS-0042") == "Early help notification for plan TAS-0042"
    assert gp_rules.subject("closure", "TAS-0042") == "Early help closure update for plan TAS-0042"


def test_a_notification_given_by_hand_is_dated_between_the_plans_start_and_today():
    start = date(2026, 9, 8)

    assert gp_rules.sent_on_problems(MON, start, MON) == {}
    assert "today or in the past" in gp_rules.sent_on_problems(TUE, start, MON)["sent_on"]
    assert "on or after" in gp_rules.sent_on_problems(date(2026, 9, 7), start, MON)["sent_on"]


@pytest.mark.parametrize(
    ("kind", "due", "today", "state", "after_tag"),
    [
        (
            "step_up",
            date(2026, 12, 10),
            date(2026, 12, 10),
            "due",
            "Step up update, due by 10 December 2026",
        ),
        (
            "step_down",
            date(2026, 12, 10),
            date(2026, 12, 11),
            "overdue",
            "Step down update, due by 10 December 2026",
        ),
        ("closure", None, date(2026, 12, 11), "due", "Closure update not sent yet"),
        (
            "initial",
            date(2026, 10, 8),
            date(2026, 10, 9),
            "overdue",
            "Notification, due by 8 October 2026",
        ),
    ],
)
def test_what_waits_for_the_practice_has_its_own_due_date(kind, due, today, state, after_tag):
    waiting = gp_rules.waiting_status(kind, due, today)

    assert (waiting.state, waiting.after_tag, waiting.due_on) == (state, after_tag, due)
