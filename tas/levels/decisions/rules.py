"""Decisions in a meeting's minutes that stay open until recorded elsewhere, as pure rules: which
decisions, what records them, when the reminder is due, and the words. No Flask, no database;
"today" and the bank holidays are passed in."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from tas.core.choices import Choice
from tas.core.days import next_working_day
from tas.core.words import long_date
from tas.levels.rules import SOCIAL_CARE, TARGETED_EARLY_HELP, before_last_change, rank

REFER_TO_IFD = "refer_to_ifd"
STEP_UP = "step_up_early_help"
STEP_DOWN = "step_down_received"


@dataclass(frozen=True)
class Kind:
    """One decision that must be recorded: what it is called, what is still to be recorded,
    and the words of its reminder (which never name the child)."""

    decision: str
    name: str
    to_record: str
    reminder: str


KINDS = {
    REFER_TO_IFD: Kind(
        REFER_TO_IFD, "Refer to the IFD", "the referral to the IFD", "IFD referral decided"
    ),
    STEP_UP: Kind(
        STEP_UP,
        "Step up within early help",
        "the step up to Targeted Early Help",
        "step up decided",
    ),
    STEP_DOWN: Kind(
        STEP_DOWN,
        "Step down received",
        "the step down from Children's Social Care",
        "step down decided",
    ),
}
OPEN_DECISIONS = tuple(KINDS)

# The step change kind (tas.reviews.rules.STEP_KINDS) that records each step decision.
STEP_RECORDS = {"step_up_early_help": STEP_UP, "step_down": STEP_DOWN}
STEP_KIND_OF = {decision: kind for kind, decision in STEP_RECORDS.items()}

REASON_NEEDED = (
    "Enter why the minutes are complete while a decision in them is still to be recorded"
)
REASON_LONGEST = 1000
CLOSE_REASON_NEEDED = "Enter why this decision is closed without a referral or a step change"


def needs_record(decision: str | None) -> bool:
    """Whether a decision in the minutes stays open until something else is recorded."""
    return decision in KINDS


def decision_of_step(step_kind: str) -> str | None:
    """The minutes decision a step change of this kind records, if any."""
    return STEP_RECORDS.get(step_kind)


def step_kind_of(decision: str) -> str | None:
    """The step change kind that records a step decision (None for a referral)."""
    return STEP_KIND_OF.get(decision)


def level_reached(levels: tuple[Choice, ...], decision: str, current: str) -> bool:
    """Whether the child's level already is where a step decision leads, so there is nothing
    left to record: a step up within early help once the child is at Targeted Early Help (or
    above it, short of Children's Social Care); "step down received" once Children's Social
    Care no longer holds the case. A referral to the IFD is never reached this way."""
    if decision == STEP_UP:
        return current != SOCIAL_CARE and rank(levels, current) >= rank(levels, TARGETED_EARLY_HELP)
    if decision == STEP_DOWN:
        return current != SOCIAL_CARE
    return False


def close_problem(reason: str | None) -> str | None:
    """Closing an open decision without a record needs a reason; None when it may go on."""
    if not (reason or "").strip():
        return CLOSE_REASON_NEEDED
    return None


def due_on(recorded_on: date, holidays: Container[date] = ()) -> date:
    """The open decision is a safeguarding decision, not a routine task: it is due the day the
    minutes recorded it (the next working day, when that was not one)."""
    return next_working_day(recorded_on, holidays)


def reason_problem(open_count: int, reason: str | None) -> str | None:
    """Completing minutes with decisions still open needs a reason; None when it may go on."""
    if open_count and not (reason or "").strip():
        return REASON_NEEDED
    return None


def still_to_record(decision: str) -> str:
    """ "The referral to the IFD is not recorded yet." """
    kind = KINDS[decision]
    return f"{kind.to_record[0].upper()}{kind.to_record[1:]} is not recorded yet."


def changed_after_meeting(
    decision: str, meeting_day: date, last_changed_on: date | None
) -> str | None:
    """Why completing the minutes does not record this step decision, when the child's level
    changed after the meeting's day (None otherwise, and for a referral): the chair records
    it by hand, dated on or after that change."""
    if decision not in STEP_KIND_OF or not before_last_change(meeting_day, last_changed_on):
        return None
    return (
        f"The level of need changed on {long_date(last_changed_on)}, after the meeting, so "
        "completing the minutes does not record it: if it still applies, record it on the "
        "child's level of need page, dated on or after that change"
    )


def reminder_what(decision: str, meeting_reference: str, plan_reference: str | None) -> str:
    """What a reminder is about, never naming the child: "IFD referral decided at MTG-0042"
    when the plan's reference is the reminder's reference; without a plan the meeting's
    reference is, so "IFD referral decided at the meeting"."""
    where = meeting_reference if plan_reference else "the meeting"
    return f"{KINDS[decision].reminder} at {where}"
