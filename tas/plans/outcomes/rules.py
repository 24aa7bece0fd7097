"""Pure rules of a plan's progress: when an open plan has drifted (12 months with no change of
level and no outcome score improved: the audit's long involvements that never reached the right
level). No Flask, no database; "today" is an argument."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tas.core.choices import Choice
from tas.core.days import months_before
from tas.core.words import long_date

DRIFT_MONTHS = 12
DRIFT_DECISIONS = (
    Choice("different_approach", "Try a different approach"),
    Choice("escalate", "Escalate: the level of need is to be changed"),
    Choice("continue", "Continue: the plan is working in ways the scores do not show"),
)


def drift(
    started_on: date,
    today: date,
    level_changes: Iterable[date],
    scores: Iterable[list[tuple[date, int]]],
    decisions: Iterable[date] = (),
) -> str | None:
    """Why an open plan has drifted, or None: open for DRIFT_MONTHS months with no change of
    level, no outcome scored higher than before and no decision about drift (`decisions`: the
    days they were made), in those months. `scores`: each outcome's scores, oldest first."""
    since = months_before(today, DRIFT_MONTHS)
    if started_on > since:
        return None
    if any(day > since for day in (*level_changes, *decisions)):
        return None
    for outcome in scores:
        before = [score for day, score in outcome if day <= since]
        recent = [score for day, score in outcome if day > since]
        baseline = before[-1] if before else (recent[0] if recent else None)
        if baseline is not None and any(score > baseline for score in recent):
            return None
    return (
        f"Open since {long_date(started_on)}: no change of level and no outcome score has "
        f"improved in {DRIFT_MONTHS} months"
    )
