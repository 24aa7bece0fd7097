"""Pure rules of levels of need, step changes, reviews and reminders: the words, due dates in
working days, and which reminder is due on a day. No Flask, no database; "today" and the bank
holidays (tas.core.bank_holidays.ENGLAND_AND_WALES in the app) are always arguments.

docs/glossary.md and docs/design.md section 4 give the meaning and the default timescales.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from tas.core.choices import Choice, label
from tas.core.days import add_working_days, is_working_day, next_working_day
from tas.core.words import long_date
from tas.plans.rules import plan_reference

__all__ = [
    "Choice",
    "add_working_days",
    "is_working_day",
    "label",
    "long_date",
    "next_working_day",
]

# ---------------------------------------------------------------- levels of need

# The default levels, in order (a step up moves down the list). Names and order are a setting
# (LEVELS_OF_NEED); these codes carry meaning and must stay in any configured list.
DEFAULT_LEVELS = (
    Choice("universal", "Universal"),
    Choice("early_help", "Early Help"),
    Choice("targeted_early_help", "Targeted Early Help"),
    Choice("social_care", "Children's Social Care"),
)
EARLY_HELP = "early_help"
TARGETED_EARLY_HELP = "targeted_early_help"
SOCIAL_CARE = "social_care"
REQUIRED_LEVELS = frozenset({EARLY_HELP, TARGETED_EARLY_HELP, SOCIAL_CARE})


def parse_levels(setting: str | Iterable[tuple[str, str]] | None) -> tuple[Choice, ...]:
    """The configured levels: "code=Name, code=Name" (or pairs), in order. Raises ValueError
    when a level the app relies on is missing or a code is repeated."""
    if not setting:
        return DEFAULT_LEVELS
    if isinstance(setting, str):
        pairs = [part.split("=", 1) for part in setting.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError('LEVELS_OF_NEED must look like "universal=Universal, ..."')
        pairs = [(code.strip(), name.strip()) for code, name in pairs]
    else:
        pairs = [(code, name) for code, name in setting]
    codes = [code for code, _ in pairs]
    if len(set(codes)) != len(codes):
        raise ValueError("LEVELS_OF_NEED repeats a level")
    missing = REQUIRED_LEVELS - set(codes)
    if missing:
        raise ValueError("LEVELS_OF_NEED must include " + ", ".join(sorted(missing)))
    return tuple(Choice(code, name) for code, name in pairs)


def rank(levels: tuple[Choice, ...], code: str) -> int:
    """Where a level sits in the order (0 is the lowest); unknown codes sort lowest."""
    codes = [choice.code for choice in levels]
    return codes.index(code) if code in codes else -1


STEP_KINDS = (
    Choice("step_up_early_help", "Step up within early help"),
    Choice("step_up_social_care", "Step up to Children's Social Care (IFD decision)"),
    Choice("step_down", "Step down from Children's Social Care"),
    Choice("step_down_early_help", "Step down within early help"),
    Choice("plan_closed", "Shared plan closed"),
    Choice("ifd_decision", "IFD decision"),
    Choice("other", "Other change"),
)

# ---------------------------------------------------------------- referrals to the IFD

REFERRAL_STATUSES = (
    Choice("awaiting_decision", "Awaiting the IFD's decision"),
    Choice("decided", "Decided"),
)
IFD_DECISIONS = (
    Choice("no_further_action", "No further action or advice"),
    Choice("early_help", "Early help"),
    Choice("assessment", "Child and family assessment (section 17)"),
    Choice("strategy_s47", "Strategy discussion / section 47 enquiry"),
)
# Decisions that open a statutory assessment: Social Care holds the case and an outcome is due.
ASSESSMENT_DECISIONS = frozenset({"assessment", "strategy_s47"})
ESCALATION_PROCEDURE = (
    "If you disagree with the IFD's decision, follow the partnership's escalation (resolving "
    "professional disagreements) procedure: talk to the decision maker first, then their manager."
)


def level_after_decision(levels: tuple[Choice, ...], current: str, decision: str) -> str:
    """The child's level once the IFD has decided: Social Care for an assessment or a strategy
    discussion; at least Early Help for early help; unchanged for no further action."""
    if decision in ASSESSMENT_DECISIONS:
        return SOCIAL_CARE
    if decision == "early_help" and rank(levels, current) < rank(levels, EARLY_HELP):
        return EARLY_HELP
    if decision == "early_help" and current == SOCIAL_CARE:
        return EARLY_HELP
    return current


def referral_reference(referral_id: int) -> str:
    """A referral's own reference, for a child without a shared plan: IFD-0007."""
    return f"IFD-{referral_id:04d}"


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


def due_date(rule: RuleInForce, from_day: date, holidays: Container[date] = ()) -> date:
    """When a review made by the rule is due: working days skip weekends and bank holidays;
    a due date counted in weeks that lands on a non-working day moves to the next working day."""
    if rule.unit == "working_days":
        return add_working_days(from_day, rule.amount, holidays)
    if rule.unit == "weeks":
        return next_working_day(from_day + timedelta(weeks=rule.amount), holidays)
    raise ValueError(f"Unknown unit: {rule.unit}")


def rule_problems(amount: int | None, unit: str | None) -> dict[str, str]:
    """Field -> what to put right, for a coordinator's change to a rule."""
    problems = {}
    if amount is None:
        problems["amount"] = "Enter how long after the event the review is due, as a number"
    elif not 1 <= amount <= (260 if unit == "working_days" else 52):
        problems["amount"] = (
            "Enter a number of working days from 1 to 260"
            if unit == "working_days"
            else "Enter a number of weeks from 1 to 52"
        )
    if unit not in {choice.code for choice in UNITS}:
        problems["unit"] = "Select working days or weeks"
    return problems


# ---------------------------------------------------------------- reminders

BEFORE_5 = "before_5"
BEFORE_1 = "before_1"
DUE = "due"
OVERDUE = "overdue"
DAILY_DIGEST = "daily_digest"
WEEKLY_DIGEST = "weekly_digest"
REMINDER_KINDS = (
    Choice(BEFORE_5, "Due in 5 working days"),
    Choice(BEFORE_1, "Due next working day"),
    Choice(DUE, "Due today"),
    Choice(OVERDUE, "Overdue"),
    Choice(DAILY_DIGEST, "Daily digest"),
    Choice(WEEKLY_DIGEST, "Weekly digest of everything overdue"),
)


def subtract_working_days(start: date, days: int, holidays: Container[date] = ()) -> date:
    """The working day `days` working days before `start`."""
    day = start
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def previous_working_day(day: date, holidays: Container[date] = ()) -> date:
    """The day itself when it is a working day, else the working day before it."""
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


def schedule(due_on: date, holidays: Container[date] = ()) -> list[tuple[date, str]]:
    """The reminders before and on the due day, as (day sent, kind), earliest first: 5 working
    days before, 1 working day before, and on the due day (for a due day that is not a working
    day, the working day before it, which then replaces the 1-day reminder)."""
    on_day = previous_working_day(due_on, holidays)
    days = {
        subtract_working_days(due_on, 5, holidays): BEFORE_5,
        subtract_working_days(due_on, 1, holidays): BEFORE_1,
    }
    days[on_day] = DUE
    return sorted(days.items())


def reminder_due(
    due_on: date, today: date, holidays: Container[date] = ()
) -> tuple[date, str] | None:
    """The one reminder to send today about something due on `due_on`, as (the working day it is
    for, kind), or None. Reminders go out on working days only; each working day after the due
    day brings an overdue reminder. After downtime only the latest that fell due is returned,
    so a pass that missed days sends one message, not one per missed day."""
    if not is_working_day(today, holidays):
        return None
    if today > due_on:
        return today, OVERDUE
    latest = None
    for day, kind in schedule(due_on, holidays):
        if day <= today:
            latest = (day, kind)
    return latest


def first_working_day_of_week(today: date, holidays: Container[date] = ()) -> date | None:
    """The week's first working day (Monday, or Tuesday after a bank holiday Monday), the day
    the weekly digest is for; None in a week with no working day up to today."""
    monday = today - timedelta(days=today.weekday())
    day = monday
    while day <= today:
        if is_working_day(day, holidays):
            return day
        day += timedelta(days=1)
    return None


def subject(kind: str, what: str, reference: str, due_on: date, today: date) -> str:
    """The email subject and notification title: "Reminder:" or "Overdue:", what is due and the
    plan reference; never a child's name. "Overdue: plan review for TAS-0042 was due 3 December"."""
    when = f"{due_on.day} {due_on:%B}" if due_on.year == today.year else long_date(due_on)
    if kind == OVERDUE or due_on < today:
        return f"Overdue: {what} for {reference} was due {when}"
    if due_on == today:
        return f"Reminder: {what} for {reference} is due today"
    return f"Reminder: {what} for {reference} is due {when}"
