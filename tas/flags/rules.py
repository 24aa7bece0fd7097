"""Pure rules of flags: what each flag says, why it was raised and what clears it. No Flask,
no database; "now" is an argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tas.core.words import spoken_clock, weekday_date
from tas.voice.rules import concern_reference, due_words, overdue

CONCERN = "concern"
HARM = "cumulative_harm"
ENGAGEMENT = "low_engagement"
DRIFT = "drift"
KINDS = {
    CONCERN: "Child's words raise a concern",
    HARM: "Cumulative harm: consider it now",
    ENGAGEMENT: "Low engagement: a decision is needed",
    DRIFT: "Drift: consider escalation or a different approach",
}
HARM_PROMPTS = (
    "Consider whether these events together amount to cumulative harm",
    "Complete the Neglect Toolkit",
    "Discuss escalation with the designated safeguarding lead",
)


def child_reference(child_id: int) -> str:
    """What a list shows instead of a name to someone who may not read the record: CH-0042."""
    return f"CH-{child_id:04d}"


@dataclass(frozen=True)
class Flag:
    """One open flag on a child: its kind, the record it is about, why it is raised, and the
    one action that clears it (`action` in words; the view turns `target` into its link)."""

    kind: str
    child_id: int
    target_id: int
    reference: str
    reason: str
    action: str
    since: datetime
    urgent: bool
    prompts: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return KINDS[self.kind]

    @property
    def tag(self) -> str:
        """The flag's tag: how pressing it is, in words."""
        if self.kind == CONCERN:
            return "Overdue" if self.urgent else "Needs a response"
        return "Needs a decision"


def concern_flag(
    entry_id: int, child_id: int, recorded_at: datetime, due_at: datetime, now: datetime
) -> Flag:
    """An unanswered concern (both moments in the partnership's zone): urgent once its
    same-day deadline has passed."""
    heard = f"{spoken_clock(recorded_at)} on {weekday_date(recorded_at.date())}"
    reference = concern_reference(entry_id)
    return Flag(
        kind=CONCERN,
        child_id=child_id,
        target_id=entry_id,
        reference=reference,
        reason=(
            f"What the child said, recorded at {heard} ({reference}), raises a concern with no "
            f"recorded response: a response {due_words(due_at, now)}."
        ),
        action="Record the response",
        since=recorded_at,
        urgent=overdue(due_at, now),
    )


def harm_flag(child_id: int, reason: str, latest: datetime) -> Flag:
    """A cumulative harm pattern (its reason from tas.chronology.rules.cumulative_harm), urgent:
    it asks for a decision now. `latest`: when its newest event was recorded."""
    return Flag(
        kind=HARM,
        child_id=child_id,
        target_id=child_id,
        reference=child_reference(child_id),
        reason=f"The chronology shows {reason}.",
        action="Record a Neglect Toolkit completion or an escalation decision",
        since=latest,
        urgent=True,
        prompts=HARM_PROMPTS,
    )


def engagement_flag(
    child_id: int, involvement_id: int, agency: str, reason: str, since: datetime
) -> Flag:
    """An involvement whose engagement stayed limited or none with no decision recorded."""
    return Flag(
        kind=ENGAGEMENT,
        child_id=child_id,
        target_id=involvement_id,
        reference=f"{agency}'s involvement",
        reason=f"{agency}: {reason}, and no decision has been recorded.",
        action="Record a decision about engagement",
        since=since,
        urgent=False,
    )


def drift_flag(
    child_id: int, plan_id: int, plan_reference: str, reason: str, since: datetime
) -> Flag:
    """An open plan that has drifted: a change of level, or a decision about the plan, clears
    it."""
    return Flag(
        kind=DRIFT,
        child_id=child_id,
        target_id=plan_id,
        reference=plan_reference,
        reason=f"Shared plan {plan_reference}. {reason}.",
        action="Record a decision: escalate, or a different approach",
        since=since,
        urgent=False,
    )
