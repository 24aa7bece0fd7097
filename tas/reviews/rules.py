"""Pure rules of reviews: their kinds and references, and when each is due (the rules in force,
in working days or weeks). Levels of need are in tas.levels.rules, reminders in
tas.reminders.rules. No Flask, no database; "today" and the bank
holidays (tas.core.bank_holidays.ENGLAND_AND_WALES in the app) are always arguments.

docs/glossary.md and docs/design.md section 4 give the meaning and the default timescales.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from tas.core.choices import Choice, label
from tas.core.days import add_working_days, next_working_day
from tas.core.words import in_a_sentence
from tas.levels.rules import referral_reference
from tas.plans.rules import plan_reference


def review_reference(review_id: int, plan_id: int | None, referral_id: int | None) -> str:
    """What a review is known by where no child's name may appear: the plan's reference, else
    the referral's, else the review's own (REV-0001)."""
    if plan_id is not None:
        return plan_reference(plan_id)
    if referral_id is not None:
        return referral_reference(referral_id)
    return f"REV-{review_id:04d}"


# ---------------------------------------------------------------- reviews and their due dates

REVIEW_KINDS = (
    Choice("handover_meeting", "Handover (TAF) meeting"),
    Choice("ifd_decision", "IFD decision"),
    Choice("assessment_outcome", "Assessment outcome"),
    Choice("plan_review", "Plan review"),
)
REVIEW_STATUSES = (
    Choice("open", "Open"),
    Choice("completed", "Completed"),
    Choice("paused", "Paused: Children's Social Care holds the case"),
    Choice("cancelled", "No longer needed"),
)
UNITS = (Choice("working_days", "working days"), Choice("weeks", "weeks"))


@dataclass(frozen=True)
class RuleInForce:
    """An event, the review it creates, and how long after the event (or the day it counts
    from) that review is due."""

    event: str
    review_kind: str
    amount: int
    unit: str  # working_days or weeks
    counted_from: str  # in words, for the rules page


DEFAULT_RULES = (
    RuleInForce("step_down", "handover_meeting", 10, "working_days", "the step down"),
    RuleInForce("referral", "ifd_decision", 1, "working_days", "the referral date"),
    RuleInForce("assessment_opened", "assessment_outcome", 45, "working_days", "the referral date"),
    RuleInForce("plan_review", "plan_review", 6, "weeks", "the last review (or the handover)"),
)
EVENTS = (
    Choice("step_down", "Step down from Children's Social Care"),
    Choice("referral", "Referral to the IFD"),
    Choice("assessment_opened", "Assessment opened by Children's Social Care"),
    Choice("plan_review", "Shared plan review"),
)


def rules_in_force(changes: Mapping[str, tuple[int, str]]) -> dict[str, RuleInForce]:
    """The default rules with a coordinator's changes (event -> (amount, unit)) applied."""
    rules = {}
    for rule in DEFAULT_RULES:
        amount, unit = changes.get(rule.event, (rule.amount, rule.unit))
        rules[rule.event] = RuleInForce(
            rule.event, rule.review_kind, amount, unit, rule.counted_from
        )
    return rules


def how_long(amount: int, unit: str) -> str:
    """A rule's length in words: 10 working days, 1 working day, 6 weeks, 1 week."""
    words = {"working_days": "working day", "weeks": "week"}.get(unit, unit)
    return f"{amount} {words}{'' if amount == 1 else 's'}"


def due_date(rule: RuleInForce, from_day: date, holidays: Container[date] = ()) -> date:
    """When a review made by the rule is due: working days skip weekends and bank holidays;
    a due date counted in weeks that lands on a non-working day moves to the next working day."""
    if rule.unit == "working_days":
        return add_working_days(from_day, rule.amount, holidays)
    if rule.unit == "weeks":
        return next_working_day(from_day + timedelta(weeks=rule.amount), holidays)
    raise ValueError(f"Unknown unit: {rule.unit}")


LONGEST = {"working_days": 260, "weeks": 52}
# A plan's next review is at most a year ahead (tas.plans.rules.latest_next_review): 52 weeks
# always reach no further, and nor do 250 working days (a year holds at least 260 weekdays, and
# never more than ten bank holidays), so the date the rule makes is one the plan form accepts.
LONGEST_BY_EVENT = {"plan_review": {"working_days": 250, "weeks": 52}}


def rule_problems(rule: RuleInForce, amount: int | None, unit: str | None) -> dict[str, str]:
    """Field -> what to put right, for a coordinator's change to `rule` (the rule as it is by
    default: its review and the day it counts from name it in each message, as the page asks
    the same questions of four rules)."""
    review = in_a_sentence(label(REVIEW_KINDS, rule.review_kind))
    problems = {}
    units = unit if unit in LONGEST else "weeks"
    longest = LONGEST_BY_EVENT.get(rule.event, LONGEST)[units]
    words = label(UNITS, units)
    if amount is None:
        problems["amount"] = (
            f"Enter how long after {rule.counted_from} the {review} is due, as a number"
        )
    elif amount < 1:
        problems["amount"] = f"The {review} must be due 1 or more {words} after {rule.counted_from}"
    elif amount > longest:
        problems["amount"] = (
            f"The {review} must be due {longest} {words} or fewer after {rule.counted_from}"
        )
    if unit not in LONGEST:
        problems["unit"] = f"Select whether the {review} is counted in working days or weeks"
    return problems
