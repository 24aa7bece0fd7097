"""Pure rules for recording a child's level changes: which step the child's level allows, and
what to put right in a typed step change, referral, decision or disagreement. No Flask, no
database; "today" and the configured levels are always arguments (the words of levels and
decisions are here too)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tas.core.choices import Choice, label
from tas.core.words import long_date

# ---------------------------------------------------------------- levels of need and referrals

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
    Choice("plan_started", "Shared plan started"),
    Choice("other", "Other change"),
)


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
    discussion; at least Early Help for early help; unchanged for no further action.

    A decision never moves a child out of Children's Social Care: the case leaves Social Care
    only by a step down, which reopens the plan, restarts early help and tells the GP
    (tas.levels.services.record_step_down). A decision on an older referral recorded after a
    newer one put the child there must not undo the holding."""
    if decision in ASSESSMENT_DECISIONS:
        return SOCIAL_CARE
    if current == SOCIAL_CARE:
        return current
    if decision == "early_help" and rank(levels, current) < rank(levels, EARLY_HELP):
        return EARLY_HELP
    return current


def referral_reference(referral_id: int) -> str:
    """A referral's own reference, for a child without a shared plan: IFD-0007."""
    return f"IFD-{referral_id:04d}"


# ---------------------------------------------------------------- recording a change

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


CONSULTATION_DATE = "The date of the consultation"


def not_future(day: date | None, today: date, field: str, what: str) -> dict[str, str]:
    if day is not None and day > today:
        return {field: f"{what} must be today or in the past"}
    return {}


def step_problems(
    changed_on: date | None, today: date, born_on: date, last_changed_on: date | None = None
) -> dict[str, str]:
    """Field -> what to put right, for a step up or step down: not in the future, nor before
    the child was born or the level last changed (the history would contradict itself)."""
    problems = not_future(changed_on, today, "changed_on", "The date of the decision")
    if problems or changed_on is None:
        return problems
    problems = not_before_last_change(
        changed_on, last_changed_on, "changed_on", "The date of the decision"
    )
    return problems or not_before_birth(
        changed_on, born_on, "changed_on", "The date of the decision"
    )


def before_last_change(day: date, last_changed_on: date | None) -> bool:
    """Whether a change of level dated `day` would come before the child's last recorded one:
    the dated history would then contradict itself (a later change shown above an earlier one,
    and a level that ends where neither left it). Every change is dated on or after the last:
    a step typed by a person, an IFD decision, a step decided in a meeting's minutes."""
    return last_changed_on is not None and day < last_changed_on


def not_before_last_change(
    day: date | None, last_changed_on: date | None, field: str, what: str
) -> dict[str, str]:
    if day is not None and before_last_change(day, last_changed_on):
        return {
            field: f"{what} must be on or after {long_date(last_changed_on)}, when the level "
            "of need last changed"
        }
    return {}


def not_before_birth(day: date | None, born_on: date, field: str, what: str) -> dict[str, str]:
    if day is not None and day < born_on:
        return {
            field: f"{what} must be on or after the child's date of birth, {long_date(born_on)}"
        }
    return {}


def referral_problems(
    consultation_on: date | None, referred_on: date | None, today: date, born_on: date
) -> dict[str, str]:
    """Field -> what to put right, for a referral: the phone consultation comes first."""
    problems = {
        **not_before_birth(consultation_on, born_on, "consultation_on", CONSULTATION_DATE),
        **not_before_birth(referred_on, born_on, "referred_on", "The date of the referral form"),
        **not_future(consultation_on, today, "consultation_on", CONSULTATION_DATE),
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
    decision: str | None,
    decided_on: date | None,
    referred_on: date,
    today: date,
    last_changed_on: date | None = None,
) -> dict[str, str]:
    """Field -> what to put right, for the IFD's decision; `last_changed_on` when the decision
    changes the child's level (its step change comes after the last one)."""
    problems = {}
    if decision not in {choice.code for choice in IFD_DECISIONS}:
        problems["decision"] = "Select the IFD's decision"
    problems.update(not_future(decided_on, today, "decided_on", "The date of the decision"))
    if decided_on is not None and decided_on < referred_on and "decided_on" not in problems:
        problems["decided_on"] = (
            "The date of the decision must be on or after the date of the referral, "
            f"{long_date(referred_on)}"
        )
    if "decided_on" not in problems:
        problems.update(
            not_before_last_change(
                decided_on, last_changed_on, "decided_on", "The date of the decision"
            )
        )
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
            "The date of the disagreement must be on or after the date of the decision, "
            f"{long_date(decided_on)}"
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


def minutes_step_recordable(
    levels: tuple[Choice, ...],
    decision: str,
    current: str,
    held_on: date,
    last_changed_on: date | None,
) -> bool:
    """Whether completing a meeting's minutes records its decision as a step change, dated the
    day of the meeting: the child's level allows it, and no change of level was recorded after
    that day (the step would be dated before it, and the history would contradict itself)."""
    return minutes_step_allowed(levels, decision, current) and not before_last_change(
        held_on, last_changed_on
    )
