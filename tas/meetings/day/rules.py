"""The day of a meeting in words and pure rules: when minutes are due, what a complete set of
minutes needs, and what a family may read. No Flask, no database; "today" and "now" are always
arguments, and bank holidays are passed in (tas.core.bank_holidays.ENGLAND_AND_WALES)."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

from tas.core.days import add_working_days

MINUTES_WORKING_DAYS = 2  # docs/design.md section 4: minutes complete within 2 working days

CONFIDENTIALITY_STATEMENT = (
    "Everything discussed at this meeting is confidential. Information about children and "
    "families is shared here only to agree the help they need, under the family's agreement. "
    "Do not share it outside this meeting except with colleagues who need it to give that help, "
    "or to keep a child safe. If anything said today makes you worried that a child is at risk "
    "of harm, tell the chair and contact the Integrated Front Door straight away."
)

# What each answer to the invitation suggests for attendance, before the chair records it.
ATTENDANCE_FROM_ANSWER = {
    "attending": "attended",
    "apologies": "apologies",
    "apologies_with_update": "apologies_with_update",
}

MARKER_FIELDS = ("restricted", "not_for_parent", "third_party")

# Why a page about the day cannot be used now.
NOT_STARTED = "This can be recorded once the meeting has started"
NO_FAMILY_VERSION_YET = (
    "The family version is printed from the minutes, once the meeting has started and they "
    "have been written"
)
CANCELLED = "This meeting was cancelled, so it takes no attendance or minutes"
HELD = "The minutes of this meeting are complete, so they can no longer be changed"
NO_AGREEMENT = (
    "The family's agreement to early help does not stand now, so no actions can be added to the "
    "child's plan"
)
PLAN_HELD_BY_SOCIAL_CARE = (
    "The shared plan is held by Children's Social Care, so actions agreed here cannot be added to "
    "it: tell the social worker instead"
)


def labels(choices) -> dict[str, str]:
    """Stored code -> the words shown, for a tuple of Choice."""
    return {choice.code: choice.label for choice in choices}


def minutes_due_on(
    meeting_day: date,
    holidays: Container[date] = (),
    working_days: int = MINUTES_WORKING_DAYS,
) -> date:
    """The last day for the minutes: `working_days` working days after the meeting day."""
    return add_working_days(meeting_day, working_days, holidays)


def minutes_overdue_on(
    meeting_day: date,
    today: date,
    holidays: Container[date] = (),
    working_days: int = MINUTES_WORKING_DAYS,
) -> bool:
    """Whether minutes still missing today are overdue: their due day has passed."""
    return today > minutes_due_on(meeting_day, holidays, working_days)


def last_overdue_meeting_day(
    today: date,
    holidays: Container[date] = (),
    working_days: int = MINUTES_WORKING_DAYS,
) -> date:
    """The latest meeting day whose minutes are overdue today. The due day never goes back as
    the meeting day goes forward, so every meeting on or before this day is overdue, and no
    later one is: lists compare a meeting's start with the end of this day."""
    day = today - timedelta(days=1)
    while not minutes_overdue_on(day, today, holidays, working_days):
        day -= timedelta(days=1)
    return day


def has_started(starts_at: datetime, now: datetime) -> bool:
    return now >= starts_at


def why_not_recordable(status: str, starts_at: datetime, now: datetime) -> str | None:
    """Why attendance and minutes cannot be recorded now, or None when they can."""
    if status == "cancelled":
        return CANCELLED
    if status == "held":
        return HELD
    if not has_started(starts_at, now):
        return NOT_STARTED
    return None


def suggested_attendance(answer: str | None) -> str | None:
    """Attendance prefilled from the invitation's answer (no answer: nothing chosen)."""
    return ATTENDANCE_FROM_ANSWER.get(answer or "")


# ---------------------------------------------------------------- complete minutes


@dataclass(frozen=True)
class ItemMinutes:
    """What the completeness check needs of one agenda item."""

    item_id: int
    name: str  # the child's name, or "Anonymous consultation 2"
    is_child: bool
    worries: str | None
    working_well: str | None
    needs_to_happen: str | None
    decision: str | None
    parent_part: str | None
    child_part: str | None


@dataclass(frozen=True)
class Missing:
    """One thing still missing before the minutes are complete, and where to put it right."""

    text: str
    kind: str  # attendance or minutes
    record_id: int | None = None  # the agenda item, for minutes


def _filled(text: str | None) -> bool:
    return bool((text or "").strip())


def item_problems(item: ItemMinutes) -> list[Missing]:
    """What a child's item still needs: the three parts, a decision, and the family's part.
    An anonymous consultation takes minutes too, but is never holding the meeting up."""
    if not item.is_child:
        return []
    missing = []
    if not all(_filled(part) for part in (item.worries, item.working_well, item.needs_to_happen)):
        missing.append(
            Missing(
                f"Write all three parts of the minutes for {item.name}", "minutes", item.item_id
            )
        )
    if not item.decision:
        missing.append(Missing(f"Record the decision for {item.name}", "minutes", item.item_id))
    if not item.parent_part or not item.child_part:
        missing.append(
            Missing(
                f"Record whether {item.name} and their parent or carer took part",
                "minutes",
                item.item_id,
            )
        )
    return missing


def not_complete(
    items: Iterable[ItemMinutes], unrecorded_invitations: Iterable[str]
) -> list[Missing]:
    """Everything missing before a meeting can be marked held: attendance for each standing
    invitation (by the invited agency's or person's name), then each child's minutes."""
    missing = [
        Missing(f"Record attendance for {name}", "attendance") for name in unrecorded_invitations
    ]
    for item in items:
        missing.extend(item_problems(item))
    return missing


# ---------------------------------------------------------------- the family version


class MarkedRecord(Protocol):
    restricted: bool
    not_for_parent: bool
    third_party: bool


Marked = TypeVar("Marked", bound=MarkedRecord)


def marked(record: MarkedRecord) -> bool:
    """Marked restricted, not to be disclosed to the parent, or third-party information."""
    return bool(record.restricted or record.not_for_parent or record.third_party)


def for_family(records: Iterable[Marked]) -> list[Marked]:
    """The records a family's printed version may show: none with any marker."""
    return [record for record in records if not marked(record)]
