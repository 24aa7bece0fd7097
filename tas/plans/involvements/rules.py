"""Pure rules of an agency's involvement: when the child's or the parent's engagement, kept
as a dated history, needs a decision (docs/design.md, "Timescales": two updates in a row, or 3
months, limited or none). No Flask, no database; "today" is an argument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tas.core.choices import Choice
from tas.core.days import months_before
from tas.core.words import long_date

LOW_ENGAGEMENT = frozenset({"limited", "none"})
ENGAGEMENT_DECISIONS = (
    Choice("continue_joint", "Continue with a joint approach"),
    Choice("escalate", "Escalate"),
    Choice("close", "Close the involvement"),
)
LOW_ENGAGEMENT_UPDATES = 2  # two updates (reviews) in a row
LOW_ENGAGEMENT_MONTHS = 3


@dataclass(frozen=True)
class EngagementSeen:
    """One dated record of the child's and the parent's engagement."""

    recorded_on: date
    child: str
    parent: str


def low_engagement(updates: list[EngagementSeen], today: date) -> str | None:
    """Why an involvement's engagement needs a decision, or None: the child's or the parent's
    engagement limited or none at the last LOW_ENGAGEMENT_UPDATES updates in a row, or for
    LOW_ENGAGEMENT_MONTHS months (`updates` oldest first, those since the last decision)."""
    streak: list[EngagementSeen] = []
    for seen in reversed(updates):
        if seen.child in LOW_ENGAGEMENT or seen.parent in LOW_ENGAGEMENT:
            streak.append(seen)
        else:
            break
    if not streak:
        return None
    since = streak[-1].recorded_on
    whose = _whose(streak)
    if len(streak) >= LOW_ENGAGEMENT_UPDATES:
        return (
            f"{whose} engagement has been limited or none at {len(streak)} updates in a row, "
            f"since {long_date(since)}"
        )
    if since <= months_before(today, LOW_ENGAGEMENT_MONTHS):
        return (
            f"{whose} engagement has been limited or none for {LOW_ENGAGEMENT_MONTHS} months, "
            f"since {long_date(since)}"
        )
    return None


def _whose(streak: list[EngagementSeen]) -> str:
    child = all(seen.child in LOW_ENGAGEMENT for seen in streak)
    parent = all(seen.parent in LOW_ENGAGEMENT for seen in streak)
    if child and parent:
        return "The child's and the parent's"
    return "The child's" if child else "The parent's" if parent else "The child's or the parent's"
