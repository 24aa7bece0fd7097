"""Decisions in a meeting's minutes that must not be lost between the minutes and the plan:
"Refer to the IFD", "Step up within early help" and "Step down received" stay open, on the
meeting's page, the child's page and the chair's and DSLs' home pages, from the day the minutes
record them until the referral or the step change is recorded (which closes them, in the same
transaction), or until they close otherwise (recorded already, the level reached, or closed with
a reason: tas.levels.decisions.closing). Reminders about them (tas.reminders.sources) are
due that same day. Each page shows only the children its reader may see there.

The changes here run inside the caller's transaction (the minutes' save, the referral, the step
change), audited with ids and codes only; the reads take one query each, whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select

from tas.audit.services import audit_view, record
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.clock import local
from tas.extensions import db
from tas.levels import rules as level_rules
from tas.levels.access import may_record_levels
from tas.levels.decisions import closing as decision_closing
from tas.levels.decisions import rules as decision_rules
from tas.levels.decisions.models import MinutesDecision
from tas.levels.models import IfdReferral, StepChange
from tas.meetings.access import MeetingAccess, agenda_for, on_agenda_now, sees_agenda
from tas.meetings.models import AgendaItem, Meeting, meeting_reference
from tas.organisations.models import User
from tas.reviews.services import levels

HOME_LIMIT = 50  # a home page lists at most this many (open decisions are few)


def still_open() -> ColumnElement[bool]:
    """The condition, on MinutesDecision joined to its AgendaItem and Meeting: not recorded
    yet, on an item that stands, of a meeting that was not cancelled."""
    return and_(
        MinutesDecision.done_at.is_(None),
        Meeting.status != "cancelled",
        Meeting.cancelled_at.is_(None),
        on_agenda_now(),
    )


# ---------------------------------------------------------------- changes (caller's transaction)


def decision_saved(item: AgendaItem, by: User, on: date) -> None:
    """The minutes changed this item's decision: a decision to refer or to step up or down
    opens (or reopens, when it changed) an open decision recorded on `on`, closed at once when
    a referral or step change records it already; any other decision removes the one the item
    had."""
    row = db.session.scalar(
        select(MinutesDecision).where(MinutesDecision.agenda_item_id == item.id)
    )
    ids = {"meeting_id": item.meeting_id, "child_id": item.child_id, "agenda_item_id": item.id}
    if item.child_id is None or not decision_rules.needs_record(item.decision):
        if row is not None:
            record("minutes_decision_removed", target=row, detail={**ids, "decision": row.decision})
            db.session.delete(row)
        return
    if row is not None and row.decision == item.decision:
        return
    if row is None:
        row = MinutesDecision(
            agenda_item_id=item.id, meeting_id=item.meeting_id, child_id=item.child_id
        )
        db.session.add(row)
    row.decision = item.decision
    row.recorded_on = on
    row.recorded_by_id = by.id
    row.done_at = row.done_by_id = row.referral_id = row.step_change_id = None
    row.closed_reason = None
    db.session.flush()
    record("minutes_decision_opened", target=row, detail={**ids, "decision": item.decision})
    # Recorded already (say on the level page, naming this meeting): it opens closed, linked.
    day = local(item.meeting.starts_at).date()
    link = decision_closing.recording_of(item.child_id, item.meeting_id, day, item.decision)
    if link:
        detail = {"child_id": item.child_id, "decision": item.decision, "recorded_before": True}
        decision_closing.mark_done([row], by, detail, **link)


def referral_recorded(referral: IfdReferral, by: User) -> None:
    """A referral to the IFD closes the child's open decisions to refer."""
    _close(referral.child_id, decision_rules.REFER_TO_IFD, by, referral_id=referral.id)


def step_recorded(change: StepChange, by: User) -> None:
    """A step up within early help, or a step down, closes the child's open decisions to
    make that step (whether the minutes or a person recorded it)."""
    decision = decision_rules.decision_of_step(change.kind)
    if decision is not None:
        _close(change.child_id, decision, by, step_change_id=change.id)


def _close(child_id: int, decision: str, by: User, **link: int) -> None:
    rows = list(
        db.session.scalars(
            select(MinutesDecision).where(
                MinutesDecision.child_id == child_id,
                MinutesDecision.decision == decision,
                MinutesDecision.done_at.is_(None),
            )
        )
    )
    if rows:
        decision_closing.mark_done(rows, by, {"child_id": child_id, "decision": decision}, **link)


# ---------------------------------------------------------------- what pages show


@dataclass(frozen=True)
class OpenDecision:
    """One open decision as pages show it (plain values: nothing loads later)."""

    id: int
    item_id: int
    meeting_id: int
    meeting_reference: str
    meeting_starts_at: datetime
    child_id: int
    child_name: str
    child_level: str
    decision: str
    recorded_on: date
    child_level_changed_on: date | None = None  # the child's last recorded change of level

    @property
    def name(self) -> str:
        return decision_rules.KINDS[self.decision].name

    @property
    def to_record(self) -> str:
        return decision_rules.still_to_record(self.decision)

    @property
    def meeting_day(self) -> date:
        return local(self.meeting_starts_at).date()

    @property
    def changed_after_meeting(self) -> str | None:
        """Why completing the minutes does not record this step: the level changed since."""
        return decision_rules.changed_after_meeting(
            self.decision, self.meeting_day, self.child_level_changed_on
        )


def _open(*conditions, limit: int | None = None) -> list[OpenDecision]:
    last_change = (
        select(func.max(StepChange.changed_on))
        .where(StepChange.child_id == Child.id)
        .correlate(Child)
        .scalar_subquery()
    )
    query = (
        select(
            MinutesDecision.id,
            MinutesDecision.agenda_item_id,
            Meeting.id,
            Meeting.starts_at,
            Child.id,
            Child.first_name,
            Child.last_name,
            Child.level_of_need,
            MinutesDecision.decision,
            MinutesDecision.recorded_on,
            last_change,
        )
        .join(AgendaItem, AgendaItem.id == MinutesDecision.agenda_item_id)
        .join(Meeting, Meeting.id == MinutesDecision.meeting_id)
        .join(Child, Child.id == MinutesDecision.child_id)
        .where(still_open(), *conditions)
        .order_by(MinutesDecision.recorded_on, Meeting.starts_at, AgendaItem.position, Child.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        OpenDecision(
            row_id,
            item_id,
            meeting_id,
            meeting_reference(meeting_id),
            starts_at,
            child_id,
            f"{first} {last}",
            level,
            decision,
            recorded_on,
            changed_on,
        )
        for (
            row_id,
            item_id,
            meeting_id,
            starts_at,
            child_id,
            first,
            last,
            level,
            decision,
            recorded_on,
            changed_on,
        ) in db.session.execute(query)
    ]


def of_meeting(meeting_id: int, user: User, level: MeetingAccess) -> list[OpenDecision]:
    """The meeting's open decisions this person may see: those of the agenda items the meeting
    page shows them (the agenda's own condition, tas.meetings.access.agenda_for: an invited
    agency only children whose family's agreement covers it), one query."""
    if not sees_agenda(level, user):
        return []
    return _open(MinutesDecision.meeting_id == meeting_id, agenda_for(user, level))


def to_complete(meeting_id: int) -> list[OpenDecision]:
    """Every open decision of the meeting, for its organisers' minutes complete (one query)."""
    return _open(MinutesDecision.meeting_id == meeting_id)


def of_child(child_id: int) -> list[OpenDecision]:
    """The child's open decisions, from every meeting (one query)."""
    return _open(MinutesDecision.child_id == child_id)


@dataclass(frozen=True)
class ChildDecisions:
    """The child page's open decisions, and whether this person may record them."""

    rows: list[OpenDecision]
    may_record: bool = False


def for_child_page(child_id: int, user: User) -> ChildDecisions:
    """The child's open decisions for someone who may read the child (one query, two more
    when there are any)."""
    rows = of_child(child_id)
    return ChildDecisions(rows, bool(rows) and child_id in may_record_levels(user, [child_id]))


def left_open(decisions: list[OpenDecision]) -> list[OpenDecision]:
    """Of a meeting's open decisions, those its minutes' completion does not record: every
    referral, and a step the child's level no longer allows or whose level changed after the
    meeting (tas.levels.decisions.from_minutes), unless the child is already where it leads
    (decision_closing.close_reached closes those)."""
    known = levels()
    return [
        decision
        for decision in decisions
        if decision.decision == decision_rules.REFER_TO_IFD
        or not (
            level_rules.minutes_step_recordable(
                known,
                decision.decision,
                decision.child_level,
                decision.meeting_day,
                decision.child_level_changed_on,
            )
            or decision_rules.level_reached(known, decision.decision, decision.child_level)
        )
    ]


def for_home(user: User) -> list[OpenDecision]:
    """Open decisions of the meetings this person chairs (or organised, with no chair named) and,
    for a DSL, of their school's meetings; only about children they may read (one query, and
    the audit of the names shown when there are any)."""
    if not user.active or user.role not in ("dsl", "link_worker", "practitioner"):
        return []
    chaired = or_(
        Meeting.chair_id == user.id,
        and_(Meeting.chair_id.is_(None), Meeting.organiser_id == user.id),
    )
    if user.role == "dsl" and user.school_id is not None:
        chaired = or_(chaired, Meeting.school_id == user.school_id)
    rows = _open(chaired, children.visible(user, Access.READ), limit=HOME_LIMIT)
    if rows:  # the names shown are a read of those children's records
        audit_view(
            "open_decisions_listed",
            detail={
                "child_ids": sorted({row.child_id for row in rows}),
                "minutes_decision_ids": [row.id for row in rows],
            },
        )
    return rows
