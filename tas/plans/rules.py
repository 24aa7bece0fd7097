"""Pure rules about shared plans: the words, the order of the levels of need, what is overdue,
which records a family may read, and the shape of the outcome chart. No Flask, no database;
"today" is always an argument."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from tas.core.choices import Choice
from tas.core.days import is_working_day, next_working_day
from tas.core.words import long_date

# A new plan's level; the levels themselves are a setting (tas.reviews.rules, LEVELS_OF_NEED).
DEFAULT_LEVEL = "early_help"

PLAN_STATUSES = (
    Choice("open", "Open"),
    Choice("held_by_social_care", "Held by Social Care"),
    Choice("closed", "Closed"),
)
INVOLVEMENT_STATUSES = (
    Choice("requested", "Requested"),
    Choice("active", "Active"),
    Choice("ended", "Ended"),
    Choice("declined", "Declined"),
)
ENGAGEMENT = (
    Choice("good", "Good"),
    Choice("partial", "Partial"),
    Choice("limited", "Limited"),
    Choice("none", "None"),
)
ACTION_STATUSES = (
    Choice("not_started", "Not started"),
    Choice("in_progress", "In progress"),
    Choice("done", "Done"),
    Choice("cancelled", "Cancelled"),
)
OWNER_KINDS = (
    Choice("agency", "An agency"),
    Choice("person", "A named person"),
    Choice("family_member", "A parent or carer"),
    Choice("child", "The child"),
)
MARKERS = (
    Choice("restricted", "Restricted: ask the originating agency before sharing it further"),
    Choice("not_for_parent", "Not to be disclosed to the parent or carer"),
    Choice("third_party", "Third-party information"),
)
OWNER_FIELDS = ("owner_agency_id", "owner_user_id", "owner_family_member_id")
OPEN_ACTION_STATUSES = frozenset({"not_started", "in_progress"})
OPEN_INVOLVEMENT_STATUSES = frozenset({"requested", "active"})
SCORE_RANGE = range(0, 11)


def owner_values(kind: str, chosen: dict[str, int | None]) -> dict:
    """An action's owner columns for the kind of owner chosen; the other choices are not kept
    (used by the plan's action form and the minutes' action form alike)."""
    keep = {
        "agency": "owner_agency_id",
        "person": "owner_user_id",
        "family_member": "owner_family_member_id",
    }.get(kind)
    return {
        "owner_kind": kind,
        **{name: chosen.get(name) if name == keep else None for name in OWNER_FIELDS},
    }


def plan_reference(plan_id: int) -> str:
    """The plan reference used wherever a child's name must not appear: TAS-0042."""
    return f"TAS-{plan_id:04d}"


def is_changeable(plan_status: str) -> bool:
    """Only an open plan can be changed: one held by Social Care or closed is read-only."""
    return plan_status == "open"


def action_is_open(status: str) -> bool:
    return status in OPEN_ACTION_STATUSES


def action_is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """An action not yet done or cancelled whose due day has passed."""
    return action_is_open(status) and due_on is not None and due_on < today


def review_is_overdue(plan_status: str, next_review_on: date | None, today: date) -> bool:
    """An open plan whose review day has passed (reviews pause while Social Care holds it)."""
    return plan_status == "open" and next_review_on is not None and next_review_on < today


def plan_flags(
    *,
    status: str,
    has_lead: bool,
    next_review_on: date | None,
    overdue_actions: int,
    today: date,
) -> list[str]:
    """What needs someone's attention on a plan, in plain words."""
    flags = []
    if status == "held_by_social_care":
        flags.append("Children's Social Care holds this case: the plan is read-only")
    if status != "open":
        return flags
    if not has_lead:
        flags.append("No lead practitioner")
    if next_review_on is None:
        flags.append("No review date set")
    elif review_is_overdue(status, next_review_on, today):
        flags.append(f"Review overdue: it was due on {long_date(next_review_on)}")
    if overdue_actions:
        noun = "action is" if overdue_actions == 1 else "actions are"
        flags.append(f"{overdue_actions} {noun} overdue")
    return flags


# ---------------------------------------------------------------- working days

# Working days skip weekends and the `holidays` given (England and Wales bank holidays in the
# app: tas.core.bank_holidays.ENGLAND_AND_WALES). GP notifications, reviews and reminders count in
# them (docs/design.md section 4).


def not_a_working_day(day: date, holidays: Container[date] = ()) -> str:
    """Why a day is no working day, in words: "a Sunday", "a bank holiday"."""
    return f"a {day:%A}" if day.weekday() >= 5 else "a bank holiday"


# ---------------------------------------------------------------- checks on what was typed


def plan_date_problems(
    started_on: date | None,
    next_review_on: date | None,
    today: date,
    holidays: Container[date] = (),
    kept: date | None = None,
) -> dict:
    """Field -> what to put right, for a plan's start and review dates. An open plan always has
    a next review, after its start, from today to a year ahead, on a working day (as review
    completion asks of the next plan review: `next_review_problem`). The date it already had
    (`kept`) stands, so an overdue plan can still change its lead. (No start date is the form's
    own error.)"""
    problems = {}
    if started_on is not None and started_on > today:
        problems["started_on"] = "The start date must be today or in the past"
    if next_review_on is None:
        problems["next_review_on"] = "Enter the next review date"
    elif next_review_on != kept:
        problem = next_review_problem(
            next_review_on, today, holidays, after=started_on, since="the start date"
        )
        if problem:
            problems["next_review_on"] = problem
    return problems


def latest_next_review(today: date, holidays: Container[date] = ()) -> date:
    """The last day a plan's next review may be on: a year ahead, or the next working day when
    that is not one (as a review due date counted in weeks moves: tas.reviews.rules.due_date), so
    every date the plan review rule can make is one the plan accepts."""
    return next_working_day(years_on(today, 1), holidays)


def next_review_problem(
    next_on: date,
    today: date,
    holidays: Container[date] = (),
    *,
    after: date | None,
    since: str,
) -> str | None:
    """What is wrong with the date of the next plan review, if anything: it comes after
    `after` (the plan's start, or the review just completed, `since` in words), from today to a
    year ahead (`latest_next_review`), on a working day."""
    if after is not None and next_on <= after:
        return f"The next review date must be after {since}"
    if next_on < today:
        return "The next review date must be today or in the future"
    if next_on > latest_next_review(today, holidays):
        return "The next review date must be within the next year"
    if not is_working_day(next_on, holidays):
        return review_day_problem(next_on, holidays)
    return None


def start_date_problem(
    started_on: date | None,
    *,
    born_on: date,
    agreed_on: date | None,
    last_closed_on: date | None,
) -> str | None:
    """A plan starts on or after the child's birth, the day the family gave the agreement that
    stands now, and the day the child's last plan closed (a child has one plan at a time)."""
    if started_on is None:
        return None
    if started_on < born_on:
        return f"The start date must be on or after the child's date of birth, {long_date(born_on)}"
    if agreed_on is not None and started_on < agreed_on:
        return (
            "The start date must be on or after the day the family agreed to early help, "
            f"{long_date(agreed_on)}"
        )
    if last_closed_on is not None and started_on < last_closed_on:
        return (
            "The start date must be on or after the day the child's last plan closed, "
            f"{long_date(last_closed_on)}"
        )
    return None


def review_day_problem(day: date, holidays: Container[date] = ()) -> str:
    """The message for a review date typed on a weekend or bank holiday."""
    instead = next_working_day(day, holidays)
    return (
        f"The next review date must be a working day: {long_date(day)} is "
        f"{not_a_working_day(day, holidays)}. Choose {instead:%A} {long_date(instead)} or "
        "another working day"
    )


def closure_problems(closed_on: date | None, started_on: date, today: date) -> dict:
    """A plan closes between the day it started and today (no date is the form's own error)."""
    if closed_on is None:
        return {}
    if closed_on > today:
        return {"closed_on": "The closure date must be today or in the past"}
    if closed_on < started_on:
        started = long_date(started_on)
        return {
            "closed_on": f"The closure date must be on or after the day the plan started, {started}"
        }
    return {}


def involvement_problems(
    status: str | None,
    started_on: date | None,
    ended_on: date | None,
    child_engagement: str | None,
    parent_engagement: str | None,
) -> dict:
    """Field -> what to put right, for an agency involvement (a status not given, or not one
    of the statuses, says nothing about the end date)."""
    problems = {}
    if started_on and ended_on and ended_on < started_on:
        problems["ended_on"] = "The end date must be on or after the start date"
    known = status in {choice.code for choice in INVOLVEMENT_STATUSES}
    if status == "ended" and ended_on is None:
        problems["ended_on"] = "Enter the date the involvement ended"
    if known and status not in ("ended", "declined") and ended_on is not None:
        problems["ended_on"] = "Only an ended or declined involvement has an end date"
    if child_engagement and not parent_engagement:
        problems["parent_engagement"] = "Select the parent's or carer's engagement"
    if parent_engagement and not child_engagement:
        problems["child_engagement"] = "Select the child's engagement"
    return problems


def action_problems(status: str, completion_note: str | None) -> dict:
    """A done action needs a note saying what was done; a cancelled one, why it was cancelled
    (an action that simply stops must say why, as one that is done says what came of it)."""
    if (completion_note or "").strip():
        return {}
    if status == "done":
        return {"completion_note": "Enter a completion note saying what was done"}
    if status == "cancelled":
        return {"completion_note": "Enter a completion note saying why the action is cancelled"}
    return {}


# An action is for the plan's work in hand, reviewed every few months: a due date further off
# is a slip of the year.
DUE_YEARS_AHEAD = 2


def years_on(day: date, years: int) -> date:
    """The same date `years` later; 29 February falls back to the 28th in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def due_date_problems(
    due_on: date | None, plan_started_on: date, today: date, kept: date | None = None
) -> dict:
    """A due date set on an action: on or after the day its plan started, and within the next
    two years. The date it already had (`kept`) stands, so an older action can still be
    updated."""
    if due_on is None or due_on == kept:
        return {}
    if due_on < plan_started_on:
        started = long_date(plan_started_on)
        return {"due_on": f"The due date must be on or after the day the plan started, {started}"}
    if due_on > years_on(today, DUE_YEARS_AHEAD):
        return {"due_on": f"The due date must be within the next {DUE_YEARS_AHEAD} years"}
    return {}


def valid_score(score: Any) -> bool:
    return isinstance(score, int) and not isinstance(score, bool) and score in SCORE_RANGE


# ---------------------------------------------------------------- history and family prints


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """Each value that differs, as name -> [before, after] (in the order of `after`)."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


class Marked(Protocol):
    restricted: bool
    not_for_parent: bool
    third_party: bool


MarkedRecord = TypeVar("MarkedRecord", bound=Marked)


def for_family(records: Iterable[MarkedRecord]) -> list[MarkedRecord]:
    """Records a family may read: none with any marker. Restricted means "ask the originating
    agency before sharing it further", and a family's copy is sharing further, so it is left
    out as the minutes' family version leaves it out (docs/glossary.md, sharing markers)."""
    return [r for r in records if not (r.restricted or r.not_for_parent or r.third_party)]


# ---------------------------------------------------------------- the outcome chart


@dataclass(frozen=True)
class Bar:
    """One score drawn as a bar: where it sits and how tall, in SVG units."""

    score: int
    scored_on: date
    x: int
    y: int
    height: int
    label_y: int


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: int
    description: str


BAR_WIDTH = 24
BAR_GAP = 8
PLOT_HEIGHT = 100  # 10 units per point of the 0-10 scale
TOP = 16  # room for the number above the tallest bar


def score_chart(scores: Iterable[tuple[date, int]], statement: str) -> Chart:
    """Bars for an outcome's scores over time, oldest first, with a text alternative."""
    ordered = sorted(scores)
    bars = []
    for index, (scored_on, score) in enumerate(ordered):
        height = score * PLOT_HEIGHT // 10
        y = TOP + PLOT_HEIGHT - height
        bars.append(
            Bar(score, scored_on, BAR_GAP + index * (BAR_WIDTH + BAR_GAP), y, height, y - 4)
        )
    width = BAR_GAP + max(len(bars), 1) * (BAR_WIDTH + BAR_GAP)
    return Chart(tuple(bars), width, TOP + PLOT_HEIGHT + 2, TOP + PLOT_HEIGHT, describe(ordered))


def describe(ordered: list[tuple[date, int]]) -> str:
    """The chart in words: how many scores, the first and the latest."""
    if not ordered:
        return "No scores yet."
    first_on, first = ordered[0]
    if len(ordered) == 1:
        return f"One score: {first} out of 10 on {long_date(first_on)}."
    last_on, last = ordered[-1]
    trend = "up" if last > first else "down" if last < first else "unchanged"
    return (
        f"{len(ordered)} scores, {trend} from {first} out of 10 on {long_date(first_on)} "
        f"to {last} out of 10 on {long_date(last_on)}."
    )
