"""Pure rules of a child's chronology: the categories of significant events, the merged
timeline's order, and the cumulative harm rule. No Flask, no database; "today" and the settings
are arguments.

Cumulative harm (docs/design.md, "Timescales"): a child is flagged when the chronology shows
HARM_EVENTS or more events within HARM_DAYS, or SAME_CATEGORY_EVENTS of one category within
SAME_CATEGORY_DAYS (3 in 90 days, 2 in 30 by default). Recording a Neglect Toolkit completion or
an escalation decision clears the flag until an event arrives after it that is part of such a
pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tas.core.choices import Choice
from tas.core.words import long_date

DEFAULT_CATEGORIES = (
    Choice("school_absence", "School absence episode"),
    Choice("exclusion", "Exclusion"),
    Choice("self_harm", "Self-harm"),
    Choice("a_and_e", "A&E attendance"),
    Choice("missing", "Missing episode"),
    Choice("police_call_out", "Police call-out"),
    Choice("domestic_abuse", "Domestic abuse notification"),
    Choice("parental_conflict", "Parental conflict"),
    Choice("bereavement", "Bereavement"),
    Choice("housing", "Housing"),
    Choice("young_carer", "Young carer"),
    Choice("other", "Other"),
)
SEVERITIES = (
    Choice("low", "Low"),
    Choice("medium", "Medium"),
    Choice("high", "High"),
)
# Where each entry of the merged timeline comes from (its filter).
SOURCES = (
    Choice("event", "Significant events"),
    Choice("voice", "The child's voice"),
    Choice("meeting", "TAS and other meetings"),
    Choice("level", "Levels of need and referrals"),
    Choice("involvement", "Agency involvements"),
    Choice("gp", "GP notifications"),
)
HARM_REVIEW_KINDS = (
    Choice("neglect_toolkit", "Neglect Toolkit completed"),
    Choice("escalation", "Escalation decision"),
)
TOOLKIT_OUTCOMES = (
    Choice("no_concerns", "No neglect concerns"),
    Choice("some_concerns", "Some concerns: support through the plan"),
    Choice("significant_concerns", "Significant concerns: escalate"),
)
ESCALATION_DECISIONS = (
    Choice("continue_plan", "Continue with the plan: no escalation"),
    Choice("step_up_early_help", "Step up to Targeted Early Help"),
    Choice("refer_to_ifd", "Refer to the Integrated Front Door"),
)


def categories(setting: str | Iterable[str] | None) -> tuple[Choice, ...]:
    """The categories in use: the partnership's own list (names, in order, separated by
    semicolons or as a list), with "Other" always last; the default list without a setting.
    A stored code is the name in lower case with words joined by underscores, so renaming a
    category starts a new one and old events keep theirs."""
    if not setting:
        return DEFAULT_CATEGORIES
    names = setting.split(";") if isinstance(setting, str) else list(setting)
    chosen = []
    for name in (n.strip() for n in names):
        code = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:30]
        if name and code and code != "other" and code not in {c.code for c in chosen}:
            chosen.append(Choice(code, name))
    return (*chosen, Choice("other", "Other"))


@dataclass(frozen=True)
class HarmSettings:
    events: int = 3
    days: int = 90
    same_category: int = 2
    same_category_days: int = 30


@dataclass(frozen=True)
class Event:
    """What the rule needs of a significant event: when it happened, its category, and when it
    was recorded (an event recorded after a clearance is a new one)."""

    id: int
    happened_on: date
    category: str
    recorded_at: datetime


@dataclass(frozen=True)
class Harm:
    """A cumulative harm pattern: the events that make it, and why, in words."""

    events: tuple[Event, ...]
    reason: str


def cumulative_harm(
    events: Sequence[Event],
    today: date,
    settings: HarmSettings = HarmSettings(),
    cleared_at: datetime | None = None,
    labels: dict[str, str] | None = None,
) -> Harm | None:
    """The pattern the chronology shows today, or None. Same category first (the sharper
    signal), then any events. A pattern cleared by a Neglect Toolkit or an escalation decision
    (`cleared_at`) counts again only when one of its events was recorded after it."""
    labels = labels or {}
    recent = [e for e in events if e.happened_on <= today]
    same = _same_category(recent, today, settings)
    if same is not None and _new_since(same, cleared_at):
        category = labels.get(same[0].category, same[0].category).lower()
        days = " and ".join(long_date(e.happened_on) for e in same)
        return Harm(
            tuple(same),
            f"{len(same)} events of one category ({category}) in {settings.same_category_days} "
            f"days: on {days}",
        )
    window = sorted(
        (e for e in recent if e.happened_on > today - timedelta(days=settings.days)),
        key=lambda e: (e.happened_on, e.id),
    )
    if len(window) >= settings.events and _new_since(window, cleared_at):
        named = ", ".join(
            f"{labels.get(e.category, e.category).lower()} on {long_date(e.happened_on)}"
            for e in window
        )
        return Harm(
            tuple(window), f"{len(window)} significant events in {settings.days} days: {named}"
        )
    return None


def _same_category(recent: list[Event], today: date, settings: HarmSettings) -> list[Event] | None:
    since = today - timedelta(days=settings.same_category_days)
    by_category: dict[str, list[Event]] = {}
    for event in sorted(recent, key=lambda e: (e.happened_on, e.id)):
        # "Other" events need not be alike, so they make no pattern of one category.
        if event.happened_on > since and event.category != "other":
            by_category.setdefault(event.category, []).append(event)
    found = [group for group in by_category.values() if len(group) >= settings.same_category]
    if not found:
        return None
    return max(found, key=lambda group: (len(group), group[-1].happened_on))


def _new_since(pattern: Sequence[Event], cleared_at: datetime | None) -> bool:
    return cleared_at is None or any(e.recorded_at > cleared_at for e in pattern)


def earliest_event_on(date_of_birth: date) -> date:
    """The earliest day a significant event about a child may be dated: a year before their
    birth (what happened in pregnancy can matter; a century before cannot)."""
    if (date_of_birth.month, date_of_birth.day) == (2, 29):
        return date(date_of_birth.year - 1, 2, 28)
    return date_of_birth.replace(year=date_of_birth.year - 1)


def latest_birth_for_event(happened_on: date) -> date:
    """The latest date of birth that keeps an event on this day in the child's chronology (at
    most a year before birth, as earliest_event_on)."""
    if (happened_on.month, happened_on.day) == (2, 29):
        born = date(happened_on.year + 1, 2, 28)
    else:
        born = happened_on.replace(year=happened_on.year + 1)
    following = born + timedelta(days=1)
    return following if earliest_event_on(following) <= happened_on else born


def event_date_problem(happened_on: date, today: date, date_of_birth: date) -> str | None:
    """What is wrong with the date of a significant event, if anything."""
    if happened_on > today:
        return "The date of the event must be today or in the past"
    earliest = earliest_event_on(date_of_birth)
    if happened_on < earliest:
        return (
            f"The date of the event must be on or after {long_date(earliest)}, a year before "
            "the child's date of birth"
        )
    return None


# How each decision's date is named in messages (its question, tas.chronology.forms).
HARM_REVIEW_DATES = {
    "neglect_toolkit": "The date the Neglect Toolkit was completed",
    "escalation": "The date of the decision",
}


def harm_review_date_problem(
    done_on: date, kind: str, today: date, date_of_birth: date, pattern: Harm | None
) -> str | None:
    """What is wrong with the date of a Neglect Toolkit completion or an escalation decision,
    if anything: never in the future or before the child was born, and, while a cumulative harm
    flag is raised (`pattern`), never before the latest event that raised it: the decision
    answers those events, and one made before them cannot have."""
    what = HARM_REVIEW_DATES[kind]
    if done_on > today:
        return f"{what} must be today or in the past"
    latest = max((e.happened_on for e in pattern.events), default=None) if pattern else None
    if latest is not None and done_on < latest and latest >= date_of_birth:
        return (
            f"{what} must be on or after {long_date(latest)}, the date of the latest event "
            "that raised the cumulative harm flag"
        )
    if done_on < date_of_birth:
        return f"{what} must be on or after the child's date of birth, {long_date(date_of_birth)}"
    return None


@dataclass(frozen=True)
class Entry:
    """One line of the merged timeline: when, where it came from, what it is, and its details
    (already cut to what this reader may see)."""

    day: date
    source: str
    title: str
    details: str = ""
    by: str = ""
    category: str | None = None
    severity: str | None = None
    markers: tuple[str, ...] = ()
    withheld: str | None = None  # why the details are not shown to this reader
    link: str | None = None
    order: int = 0


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Newest first; on one day, in the order they were recorded."""
    return sorted(entries, key=lambda e: (e.day, e.order), reverse=True)
