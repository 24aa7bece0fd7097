"""Pure rules for recording a child's level changes: which step the child's level allows, and
what to put right in a typed step change, referral, decision or disagreement. No Flask, no
database; "today" and the configured levels are always arguments (the words of levels and
decisions are in tas.reviews.rules)."""

from __future__ import annotations

from datetime import date

from tas.core.choices import Choice, label
from tas.reviews.rules import EARLY_HELP, IFD_DECISIONS, SOCIAL_CARE, TARGETED_EARLY_HELP, rank

# The levels a step down from Children's Social Care hands over to.
STEP_DOWN_LEVELS = (EARLY_HELP, TARGETED_EARLY_HELP)
# The meeting decisions that record a step change when the minutes are completed.
MINUTES_STEPS = {"step_up_early_help": "step_up", "step_down_received": "step_down"}
REFER_TO_IFD = "refer_to_ifd"


def step_up_refusal(levels: tuple[Choice, ...], current: str) -> str | None:
    """Why a step up within early help cannot be recorded at the child's level, or None.

    A child below Early Help (Universal) may step straight up to Targeted Early Help: a TAS
    meeting deciding on targeted support is the decision, and refusing it would leave the
    record wrong. A child at Targeted Early Help is there already; a case held by Children's
    Social Care leaves it by a step down, never by a step up within early help."""
    if current == SOCIAL_CARE:
        return (
            "Children's Social Care holds this case, so there is no step up within early help: "
            "when Social Care closes the case, record the step down"
        )
    if rank(levels, current) >= rank(levels, TARGETED_EARLY_HELP):
        return (
            f"The level of need is {label(levels, current)} already, so there is no step up "
            "within early help to record"
        )
    return None


def step_down_refusal(levels: tuple[Choice, ...], current: str) -> str | None:
    """Why no step down can be recorded at the child's level, or None: from Children's Social
    Care (a handover to early help), or within early help to any lower level (Targeted Early
    Help to Early Help or Universal). There is nothing below the lowest level."""
    if current != SOCIAL_CARE and not step_down_levels(levels, current):
        return (
            f"The level of need is {label(levels, current)}, so there is no lower level to step "
            "down to"
        )
    return None


def step_down_levels(levels: tuple[Choice, ...], current: str) -> tuple[Choice, ...]:
    """The levels a step down at the child's level may go to: from Children's Social Care,
    Early Help or Targeted Early Help; within early help, every level below the child's."""
    if current == SOCIAL_CARE:
        return tuple(choice for choice in levels if choice.code in STEP_DOWN_LEVELS)
    here = rank(levels, current)
    return (
        tuple(choice for choice in levels[:here] if choice.code != SOCIAL_CARE) if here > 0 else ()
    )


def referral_refusal(levels: tuple[Choice, ...], current: str) -> str | None:
    """Why a referral to the IFD is not recorded here, or None: while Social Care holds the
    case, new worries go to the allocated social worker."""
    if current == SOCIAL_CARE:
        return (
            "Children's Social Care holds this case already: tell the allocated social worker "
            "about any new worry today, by phone"
        )
    return None


def not_future(day: date | None, today: date, field: str, what: str) -> dict[str, str]:
    if day is not None and day > today:
        return {field: f"{what} must be today or in the past"}
    return {}


def step_problems(changed_on: date | None, today: date) -> dict[str, str]:
    """Field -> what to put right, for a step up or step down."""
    return not_future(changed_on, today, "changed_on", "The date of the decision")


def referral_problems(
    consultation_on: date | None, referred_on: date | None, today: date
) -> dict[str, str]:
    """Field -> what to put right, for a referral: the phone consultation comes first."""
    problems = {
        **not_future(consultation_on, today, "consultation_on", "The date of the consultation"),
        **not_future(referred_on, today, "referred_on", "The date of the referral form"),
    }
    if (
        consultation_on is not None
        and referred_on is not None
        and consultation_on > referred_on
        and "consultation_on" not in problems
    ):
        problems["consultation_on"] = (
            "The date of the consultation must be on or before the date of the referral form"
        )
    return problems


def decision_problems(
    decision: str | None, decided_on: date | None, referred_on: date, today: date
) -> dict[str, str]:
    """Field -> what to put right, for the IFD's decision."""
    problems = {}
    if decision not in {choice.code for choice in IFD_DECISIONS}:
        problems["decision"] = "Select the IFD's decision"
    problems.update(not_future(decided_on, today, "decided_on", "The date of the decision"))
    if decided_on is not None and decided_on < referred_on and "decided_on" not in problems:
        problems["decided_on"] = "The date of the decision must be on or after the referral date"
    return problems


def disagreement_problems(
    disagreed_on: date | None, decided_on: date | None, today: date
) -> dict[str, str]:
    """Field -> what to put right, for a professional disagreement with a decision."""
    problems = not_future(disagreed_on, today, "disagreed_on", "The date of the disagreement")
    if (
        disagreed_on is not None
        and decided_on is not None
        and disagreed_on < decided_on
        and not problems
    ):
        problems["disagreed_on"] = (
            "The date of the disagreement must be on or after the date of the decision"
        )
    return problems


def minutes_step_allowed(levels: tuple[Choice, ...], decision: str, current: str) -> bool:
    """Whether a meeting's decision can be recorded as a step change at the child's level."""
    step = MINUTES_STEPS.get(decision)
    if step == "step_up":
        return step_up_refusal(levels, current) is None
    if step == "step_down":
        return current == SOCIAL_CARE
    return False
