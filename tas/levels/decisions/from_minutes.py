"""What a meeting's minutes start: when the minutes are completed
(tas.meetings.minutes.services.mark_held), a decision "step up within early help" or "step down
received" records the step change, once (StepChange.agenda_item_id is unique); "refer to the IFD"
records nothing by itself, and the minutes and meeting pages offer "Record the IFD referral" to
people who may record it.

A step is recorded only while its open decision (tas.levels.decisions) is open: one closed
without a record (the chair said it is no longer needed) or recorded already makes no change.
Nor is one recorded when the child's level changed after the meeting: dated the meeting's day it
would come before that change, so it stays open for the chair to record by hand, saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.choices import label
from tas.core.clock import local
from tas.extensions import db
from tas.levels import rules as level_rules
from tas.levels.access import may_record_levels
from tas.levels.decisions.models import MinutesDecision
from tas.levels.models import IfdReferral, StepChange
from tas.levels.rules import EARLY_HELP, STEP_KINDS
from tas.levels.services import open_plan_of, record_step_down, record_step_up
from tas.meetings import rules as meeting_rules
from tas.meetings.access import on_agenda_now
from tas.meetings.models import AgendaItem, Meeting
from tas.organisations.models import User
from tas.reviews.services import level_label, levels

NOTED_DECISIONS = (*level_rules.MINUTES_STEPS, level_rules.REFER_TO_IFD)


def _items(meeting_id: int, decisions) -> list[tuple[AgendaItem, MinutesDecision | None]]:
    """The meeting's standing child items with one of these decisions, with their children and
    their open decisions (None for an item the minutes' own save never saw), in one query."""
    return [
        (item, decision)
        for item, decision in db.session.execute(
            select(AgendaItem, MinutesDecision)
            .outerjoin(MinutesDecision, MinutesDecision.agenda_item_id == AgendaItem.id)
            .options(joinedload(AgendaItem.child))
            .where(
                AgendaItem.meeting_id == meeting_id,
                AgendaItem.child_id.is_not(None),
                AgendaItem.decision.in_(decisions),
                on_agenda_now(),
            )
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    ]


def _last_changes(child_ids: set[int]) -> dict[int, date]:
    """Each child's last recorded change of level, by date (one query)."""
    rows = db.session.execute(
        select(StepChange.child_id, func.max(StepChange.changed_on))
        .where(StepChange.child_id.in_(child_ids))
        .group_by(StepChange.child_id)
    )
    return {child_id: changed_on for child_id, changed_on in rows}


def _changes_of(item_ids: list[int]) -> dict[int, StepChange]:
    if not item_ids:
        return {}
    rows = db.session.scalars(select(StepChange).where(StepChange.agenda_item_id.in_(item_ids)))
    return {row.agenda_item_id: row for row in rows}


def decided_by(meeting: Meeting) -> str:
    """ "TAS meeting MTG-0001" (or the meeting's own kind)."""
    return f"{label(meeting_rules.MEETING_KINDS, meeting.kind)} {meeting.reference}"


def _why_skipped(
    item: AgendaItem, decision: MinutesDecision | None, day: date, last: date | None
) -> str | None:
    """Why completing the minutes records no step for this item (a code), or None."""
    if decision is not None and decision.done_at is not None:
        return "closed" if decision.closed_reason is not None else "recorded_already"
    if not level_rules.minutes_step_allowed(levels(), item.decision, item.child.level_of_need):
        return "level"
    if level_rules.before_last_change(day, last):
        return "level_changed_after_meeting"
    return None


def minutes_completed(meeting: Meeting, by: User) -> list[StepChange]:
    """Record the step changes the meeting decided, in the caller's transaction (the minutes'
    completion commits them). A decision closed already, one the child's level no longer
    allows, or one whose child's level changed after the meeting is skipped, and the skip
    audited; a decision already recorded is never recorded again."""
    items = _items(meeting.id, tuple(level_rules.MINUTES_STEPS))
    if not items:
        return []
    done = _changes_of([item.id for item, _ in items])
    last = _last_changes({item.child_id for item, _ in items})
    day = local(meeting.starts_at).date()
    recorded = []
    for item, decision in items:
        if item.id in done:
            continue
        child = item.child
        why = _why_skipped(item, decision, day, last.get(child.id))
        if why is not None:
            record(
                "level_change_skipped",
                target=item,
                detail={
                    "child_id": child.id,
                    "meeting_id": meeting.id,
                    "decision": item.decision,
                    "level": child.level_of_need,
                    "why": why,
                },
            )
            continue
        fields = {
            "changed_on": day,
            "reason": item.decision_note or f"Decided at TAS meeting {meeting.reference}",
            "decided_by": decided_by(meeting),
            "meeting_id": meeting.id,
            "agenda_item_id": item.id,
        }
        plan = open_plan_of(child.id)
        if level_rules.MINUTES_STEPS[item.decision] == "step_up":
            recorded.append(record_step_up(child, by, plan, **fields))
        else:
            recorded.append(record_step_down(child, by, plan, to_level=EARLY_HELP, **fields))
        last[child.id] = day
    return recorded


# ---------------------------------------------------------------- what the minutes pages show


@dataclass(frozen=True)
class MinutesNote:
    """What a child's minutes say about the level decision: what was recorded (or why not),
    and the links this person may follow."""

    text: str
    level_url: str | None = None
    referral_url: str | None = None


@dataclass(frozen=True)
class Links:
    """Where a note's links go, given by the page (a service builds no URLs)."""

    level: Callable[[int], str]  # child id -> the child's level of need page
    referral: Callable[[int, int], str]  # child id, meeting id -> recording the referral


def minutes_notes(meeting: Meeting, user: User, links: Links) -> dict[int, MinutesNote]:
    """For each standing child item with a level decision: its note, for this person. A fixed
    number of queries for the whole meeting."""
    items = _items(meeting.id, NOTED_DECISIONS)
    if not items:
        return {}
    child_ids = sorted({item.child_id for item, _ in items})
    changes = _changes_of([item.id for item, _ in items])
    referred = {
        row.child_id: row
        for row in db.session.scalars(
            select(IfdReferral)
            .where(IfdReferral.meeting_id == meeting.id, IfdReferral.child_id.in_(child_ids))
            .order_by(IfdReferral.id)
        )
    }
    recorders = may_record_levels(user, child_ids)
    readable = set(
        db.session.scalars(
            select(Child.id).where(
                Child.id.in_(child_ids), children.visible_among_few(user, Access.READ)
            )
        )
    )
    notes = {}
    for item, decision in items:
        level_url = links.level(item.child_id) if item.child_id in readable else None
        if item.decision == level_rules.REFER_TO_IFD:
            referral_url = (
                links.referral(item.child_id, meeting.id) if item.child_id in recorders else None
            )
            notes[item.id] = _referral_note(referred.get(item.child_id), referral_url, level_url)
        else:
            text = _step_text(meeting, changes.get(item.id), decision)
            notes[item.id] = MinutesNote(text, level_url)
    return notes


def _step_text(
    meeting: Meeting, change: StepChange | None, decision: MinutesDecision | None
) -> str:
    if change is not None:
        what = label(STEP_KINDS, change.kind)
        moved = f"{level_label(change.from_level)} to {level_label(change.to_level)}"
        text = f"{what} recorded: {moved}."
        if change.kind == "step_down":
            text += " A handover (TAF) meeting is now due."
        return text
    if decision is not None and decision.closed_reason is not None:
        return (
            "No change of level is recorded from these minutes: the decision was closed "
            "without a record."
        )
    if meeting.status == "held" and decision is not None and decision.done_at is None:
        return (
            "No change of level was recorded when the minutes were completed: it is still to be "
            "recorded."
        )
    if meeting.status == "held":
        return (
            "No change of level was recorded: the child's level of need did not allow it when "
            "the minutes were completed."
        )
    return "The change of level is recorded when the minutes are complete."


def _referral_note(
    referral: IfdReferral | None, referral_url: str | None, level_url: str | None
) -> MinutesNote:
    if referral is not None:
        return MinutesNote(f"Referral to the IFD recorded: {referral.reference}.", level_url)
    if referral_url is not None:
        return MinutesNote("The referral to the IFD is not recorded yet.", level_url, referral_url)
    return MinutesNote(
        "The referral to the IFD is not recorded yet: the school's designated safeguarding "
        "lead or link worker records it.",
        level_url,
    )
