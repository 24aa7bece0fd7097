"""Pure rules about telling a child's GP practice: working days, when a notification is due,
which mailboxes are secure, and the status shown on the plan. No Flask, no database; "today"
is always an argument.

Working days skip weekends and the `holidays` given (England and Wales bank holidays in the app:
tas.core.bank_holidays).
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date

from tas.core.choices import Choice, label
from tas.core.days import add_working_days
from tas.core.words import long_date

INITIAL = "initial"
KINDS = (
    Choice(INITIAL, "Notification"),
    Choice("step_up", "Step up update"),
    Choice("step_down", "Step down update"),
    Choice("closure", "Closure update"),
)
UPDATE_KINDS = frozenset({"step_up", "step_down", "closure"})

REASONS = (
    Choice("emotional_wellbeing", "Emotional wellbeing and mental health"),
    Choice("school_attendance", "School attendance"),
    Choice("family_circumstances", "Family circumstances"),
    Choice("behaviour", "Behaviour"),
    Choice("other", "Other"),
)

SENT_FROM_APP = "secure email"
# How a notification was given outside the app (recorded by hand).
HAND_METHODS = (
    Choice("phone", "Phone"),
    Choice("letter", "Letter"),
    Choice("secure email outside the app", "Secure email outside the app"),
    Choice("in person", "In person"),
)


def method_label(method: str | None) -> str:
    """How it was sent, in the words the page uses (older rows may differ in case)."""
    if not method:
        return "an unrecorded method"
    return method.lower()


def first_involvement_day(
    starts: Iterable[date | None], plan_started_on: date | None
) -> date | None:
    """When agencies first became involved: the earliest start of an active involvement, an
    involvement with no start date counting from the plan's start (None: nobody involved)."""
    days = [start or plan_started_on for start in starts]
    known = [day for day in days if day is not None]
    return min(known) if known else None


def due_on(first_involved: date, working_days: int, holidays: Container[date] = ()) -> date:
    """The day by which the GP practice must have been told (docs/design.md section 4)."""
    return add_working_days(first_involved, working_days, holidays)


def secure_address(address: str | None, allowed_domains: Iterable[str]) -> bool:
    """Whether an email address is on a secure-email domain: exactly one of the allowed
    domains or a subdomain of one, compared without regard to case."""
    if not address or address.count("@") != 1 or any(c in address for c in ',;<>"\\'):
        return False
    if any(ord(c) < 33 or ord(c) == 127 for c in address.strip()):
        return False
    local_part, domain = address.strip().rsplit("@", 1)
    domain = domain.lower().rstrip(".")
    if not local_part or not domain:
        return False
    for allowed in allowed_domains:
        allowed = allowed.strip().lower().strip(".")
        if allowed and (domain == allowed or domain.endswith("." + allowed)):
            return True
    return False


@dataclass(frozen=True)
class Status:
    """A GP notification's state on a plan, and the words for it."""

    state: str  # not_expected, due, overdue, sent
    text: str  # the whole status, where no tag is shown beside it
    due_on: date | None = None
    detail: str | None = None  # what follows the tag (Overdue, Sent), so the page says it once

    @property
    def missing(self) -> bool:
        return self.state in ("due", "overdue")

    @property
    def after_tag(self) -> str:
        return self.detail or self.text


def status(
    *,
    plan_open: bool,
    gp_known: bool,
    first_involved: date | None,
    sent_on: date | None,
    method: str | None,
    working_days: int,
    today: date,
    holidays: Container[date] = (),
) -> Status:
    """The initial notification's status: not expected, due by, overdue since, or sent."""
    if sent_on is not None:
        how = f"{long_date(sent_on)} by {method_label(method)}"
        return Status("sent", f"Sent {how}", detail=how)
    if not plan_open:
        return Status("not_expected", "Not expected: the plan is closed")
    if not gp_known:
        return Status("not_expected", "Not expected: the child's GP practice is not known")
    if first_involved is None:
        return Status("not_expected", "Not expected: no agency is actively involved yet")
    due = due_on(first_involved, working_days, holidays)
    if today > due:
        return Status(
            "overdue", f"Overdue: it was due by {long_date(due)}", due, f"Due by {long_date(due)}"
        )
    return Status("due", f"Due by {long_date(due)}", due)


def waiting_status(kind: str, due: date | None, today: date) -> Status:
    """What is waiting to be given to the GP practice (the notification, or a step up, step
    down or closure update once the notification was given), with its own due date: "Step
    down update, due by 10 December 2026", overdue from the day after."""
    words = label(KINDS, kind)
    if due is None:
        return Status("due", f"{words} not sent yet")
    by = f"{words}, due by {long_date(due)}"
    if today > due:
        return Status("overdue", f"{words} overdue: it was due by {long_date(due)}", due, by)
    return Status("due", by, due)


def flag(state: Status) -> str | None:
    """What the plan's "needs attention" list says when the notification is missing."""
    if state.state == "overdue":
        return f"GP notification overdue: it was due by {long_date(state.due_on)}"
    if state.state == "due":
        return f"GP notification not sent yet: due by {long_date(state.due_on)}"
    return None


def update_flag(kind: str, due: date | None) -> str:
    """An update the app could not send securely, waiting to be given by hand."""
    words = label(KINDS, kind)
    when = f" (due by {long_date(due)})" if due else ""
    return f"{words} to the GP practice not sent yet{when}: record it once given by hand"


def subject(kind: str, reference: str) -> str:
    """The email subject: the plan reference, never a name."""
    if kind == INITIAL:
        return f"Early help notification for plan {reference}"
    return f"Early help {label(KINDS, kind).lower()} for plan {reference}"


def sent_on_problems(sent_on: date | None, plan_started_on: date, today: date) -> dict[str, str]:
    """A notification recorded by hand: given on a real day between the plan's start and today
    (no date yet is the form's own error)."""
    if sent_on is None:
        return {}
    if sent_on > today:
        return {"sent_on": "The date it was given must be today or in the past"}
    if sent_on < plan_started_on:
        return {"sent_on": "The date it was given must be on or after the day the plan started"}
    return {}
