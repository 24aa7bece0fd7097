"""Pure rules of levels of need: the configured levels, the level after the IFD's decision,
which step the child's level allows, the checks on typed dates, and the handover's due date."""

from __future__ import annotations

from datetime import date

import pytest

from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import Choice
from tas.levels import rules as level_rules
from tas.levels.rules import DEFAULT_LEVELS, level_after_decision, parse_levels, rank
from tas.reviews import rules

TODAY = date(2026, 11, 27)
BORN = date(2015, 3, 4)
CUSTOM = (
    Choice("universal", "Universal"),
    Choice("early_help", "Early Help"),
    Choice("early_help_plus", "Early Help Plus"),
    Choice("targeted_early_help", "Targeted Early Help"),
    Choice("social_care", "Statutory"),
)


# ---------------------------------------------------------------- configured levels


def test_no_setting_gives_the_default_levels_in_order():
    assert parse_levels(None) == DEFAULT_LEVELS
    assert [c.code for c in DEFAULT_LEVELS] == [
        "universal",
        "early_help",
        "targeted_early_help",
        "social_care",
    ]


def test_a_setting_renames_and_orders_the_levels():
    parsed = parse_levels(
        "universal=Universal, early_help=Early Help, targeted_early_help=Family Support, "
        "social_care=Children's Social Care"
    )

    assert [c.label for c in parsed][2] == "Family Support"
    assert rank(parsed, "social_care") == 3
    assert rank(parsed, "unknown") == -1


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("universal=Universal, early_help=Early Help", "must include"),
        ("early_help=A, early_help=B, targeted_early_help=C, social_care=D", "repeats"),
        ("early_help, targeted_early_help=C, social_care=D", "must look like"),
    ],
)
def test_a_setting_without_the_levels_the_app_relies_on_is_refused(setting, message):
    with pytest.raises(ValueError, match=message):
        parse_levels(setting)


# ---------------------------------------------------------------- the IFD's decision


@pytest.mark.parametrize(
    ("current", "decision", "expected"),
    [
        ("early_help", "no_further_action", "early_help"),
        ("targeted_early_help", "no_further_action", "targeted_early_help"),
        ("universal", "no_further_action", "universal"),
        ("universal", "early_help", "early_help"),
        ("early_help", "early_help", "early_help"),
        ("targeted_early_help", "early_help", "targeted_early_help"),
        ("early_help", "assessment", "social_care"),
        ("targeted_early_help", "strategy_s47", "social_care"),
        ("universal", "strategy_s47", "social_care"),
        # Only a step down takes a case from Social Care (a decision on an older referral).
        ("social_care", "early_help", "social_care"),
        ("social_care", "no_further_action", "social_care"),
        ("social_care", "assessment", "social_care"),
    ],
)
def test_the_level_after_the_ifd_decides(current, decision, expected):
    assert level_after_decision(DEFAULT_LEVELS, current, decision) == expected


def test_early_help_decision_with_a_level_between_keeps_the_higher_one():
    assert level_after_decision(CUSTOM, "early_help_plus", "early_help") == ("early_help_plus")


# ---------------------------------------------------------------- which step the level allows


@pytest.mark.parametrize(
    ("levels", "current", "allowed"),
    [
        (DEFAULT_LEVELS, "universal", True),
        (DEFAULT_LEVELS, "early_help", True),
        (DEFAULT_LEVELS, "targeted_early_help", False),
        (DEFAULT_LEVELS, "social_care", False),
        (CUSTOM, "early_help_plus", True),
    ],
)
def test_a_step_up_within_early_help_is_from_below_targeted_early_help(levels, current, allowed):
    assert (level_rules.step_up_refusal(levels, current) is None) is allowed


def test_the_refusals_say_why_in_the_configured_words():
    assert "Statutory" not in (level_rules.step_up_refusal(CUSTOM, "targeted_early_help") or "")
    assert "is Targeted Early Help already" in level_rules.step_up_refusal(
        CUSTOM, "targeted_early_help"
    )
    assert "record the step down" in level_rules.step_up_refusal(CUSTOM, "social_care")
    assert "no lower level" in level_rules.step_down_refusal(CUSTOM, "universal")
    assert level_rules.step_down_refusal(CUSTOM, "early_help") is None
    assert level_rules.step_down_refusal(CUSTOM, "social_care") is None
    assert "social worker" in level_rules.referral_refusal(CUSTOM, "social_care")
    assert level_rules.referral_refusal(CUSTOM, "targeted_early_help") is None


@pytest.mark.parametrize(
    ("current", "offered"),
    [
        ("social_care", ["early_help", "targeted_early_help"]),
        ("targeted_early_help", ["universal", "early_help"]),
        ("early_help", ["universal"]),
        ("universal", []),
    ],
)
def test_a_step_down_goes_to_a_lower_level(current, offered):
    found = level_rules.step_down_levels(DEFAULT_LEVELS, current)
    assert [choice.code for choice in found] == offered


@pytest.mark.parametrize(
    ("decision", "current", "allowed"),
    [
        ("step_up_early_help", "early_help", True),
        ("step_up_early_help", "targeted_early_help", False),
        ("step_down_received", "social_care", True),
        ("step_down_received", "early_help", False),
        ("refer_to_ifd", "early_help", False),  # a referral is recorded by a person
        ("shared_plan", "early_help", False),
    ],
)
def test_which_meeting_decisions_record_a_step_change(decision, current, allowed):
    assert level_rules.minutes_step_allowed(DEFAULT_LEVELS, decision, current) is allowed


# ---------------------------------------------------------------- typed dates


def test_a_step_change_cannot_be_dated_in_the_future():
    assert level_rules.step_problems(TODAY, TODAY, BORN) == {}
    assert level_rules.step_problems(date(2026, 11, 28), TODAY, BORN) == {
        "changed_on": "The date of the decision must be today or in the past"
    }


def test_a_step_change_comes_after_the_last_one_and_after_the_child_was_born():
    last = date(2026, 11, 20)
    assert level_rules.step_problems(last, TODAY, BORN, last) == {}
    assert level_rules.step_problems(date(2026, 11, 19), TODAY, BORN, last) == {
        "changed_on": "The date of the decision must be on or after 20 November 2026, when the "
        "level of need last changed"
    }
    assert level_rules.step_problems(date(1900, 1, 1), TODAY, BORN) == {
        "changed_on": "The date of the decision must be on or after the child's date of birth, "
        "4 March 2015"
    }


@pytest.mark.parametrize(
    ("consultation", "referred", "problems"),
    [
        (None, date(2026, 11, 23), set()),
        (date(2026, 11, 20), date(2026, 11, 23), set()),
        (date(2026, 11, 24), date(2026, 11, 23), {"consultation_on"}),
        (None, date(2026, 11, 30), {"referred_on"}),
        (date(2026, 11, 30), date(2026, 12, 1), {"consultation_on", "referred_on"}),
        (date(1900, 1, 1), date(1900, 1, 2), {"consultation_on", "referred_on"}),
    ],
)
def test_a_referral_comes_after_its_consultation_and_not_in_the_future(
    consultation, referred, problems
):
    assert set(level_rules.referral_problems(consultation, referred, TODAY, BORN)) == problems


@pytest.mark.parametrize(
    ("decision", "decided", "problems"),
    [
        ("assessment", date(2026, 11, 24), set()),
        ("assessment", date(2026, 11, 23), set()),
        ("assessment", date(2026, 11, 22), {"decided_on"}),
        ("assessment", date(2026, 11, 28), {"decided_on"}),
        ("maybe", date(2026, 11, 24), {"decision"}),
        (None, None, {"decision"}),
    ],
)
def test_a_decision_is_one_of_the_ifds_on_or_after_the_referral(decision, decided, problems):
    found = level_rules.decision_problems(decision, decided, date(2026, 11, 23), TODAY)
    assert set(found) == problems


def test_a_decision_that_changes_the_level_comes_after_the_last_change():
    last = date(2026, 11, 25)
    referred = date(2026, 11, 23)

    assert level_rules.decision_problems("assessment", last, referred, TODAY, last) == {}
    assert level_rules.decision_problems(
        "assessment", date(2026, 11, 24), referred, TODAY, last
    ) == {
        "decided_on": "The date of the decision must be on or after 25 November 2026, when the "
        "level of need last changed"
    }


def test_a_disagreement_comes_after_the_decision():
    decided = date(2026, 11, 24)

    assert level_rules.disagreement_problems(date(2026, 11, 25), decided, TODAY) == {}
    assert set(level_rules.disagreement_problems(date(2026, 11, 23), decided, TODAY)) == {
        "disagreed_on"
    }
    assert set(level_rules.disagreement_problems(date(2026, 11, 30), decided, TODAY)) == {
        "disagreed_on"
    }


# ---------------------------------------------------------------- the reviews a change opens


@pytest.mark.parametrize(
    ("event", "from_day", "due"),
    [
        # Thursday 17 December 2026: Christmas Day (Fri 25), Boxing Day's substitute (Mon 28)
        # and New Year's Day (Fri 1 Jan) are skipped.
        ("step_down", date(2026, 12, 17), date(2027, 1, 5)),
        ("step_down", date(2026, 11, 27), date(2026, 12, 11)),
        ("referral", date(2026, 12, 24), date(2026, 12, 29)),
        ("referral", date(2026, 11, 27), date(2026, 11, 30)),
        ("assessment_opened", date(2026, 11, 23), date(2027, 1, 28)),
    ],
)
def test_the_reviews_a_level_change_opens_fall_due_in_working_days(event, from_day, due):
    rule = rules.rules_in_force({})[event]

    assert rules.due_date(rule, from_day, ENGLAND_AND_WALES) == due
