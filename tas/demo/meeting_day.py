"""The day of a demo meeting in the past (tas.demo.meetings): the chair confirms who is present
and that the confidentiality statement was read, takes attendance and adds who came uninvited,
and the actions agreed for each child go onto their plan, all through the day's use cases and
dated back to the day (tas.demo.history); then the meeting is marked held, unless its minutes are
overdue.

Written directly: each child's minutes, and the meeting's being held. Saving a decision in the
minutes opens it (tas.levels.decisions) and marking the meeting held records the steps decided.
The demo's minutes are history with one step recorded, Ruby's step down, once her referral is
there (tas.demo.reviews); Tyler's step up is left for someone to record. So they are written as
tas.meetings.minutes.services.save_minutes and mark_held write them, but for acting on the
decisions."""

from __future__ import annotations

from datetime import datetime, timedelta

from tas.audit.services import record
from tas.children.family.services import members
from tas.core.clock import local, utcnow
from tas.demo.data.meetings import DONE_AT_MEETING, MINUTES, THEIR_WORDS, UNINVITED
from tas.demo.data.partnership import LEE
from tas.demo.history import backdate, before
from tas.demo.plans import events_of, owner_values
from tas.extensions import db
from tas.meetings.day import services as day
from tas.meetings.minutes.services import add_meeting_action
from tas.meetings.models import AgendaItem, Invitation, Meeting
from tas.organisations.models import Agency, User
from tas.plans.actions import services as actions
from tas.plans.services import open_plan_of

MINUTED_AFTER = timedelta(hours=2)  # the chair writes the minutes up after the meeting
CHANGED_AFTER = timedelta(days=4)  # when an action agreed moved on from "not started"


def the_day(
    meeting: Meeting,
    invitations: list[Invitation],
    came: list[dict],
    items: list[tuple[str, AgendaItem]],
    users: dict[str, User],
    agencies: dict[str, Agency],
) -> None:
    """Presence, attendance (`came`, invitation by invitation) and the minutes of the
    children in MINUTES (by their name in the tables); the others' are still to be written."""
    lee = users[LEE]
    day.confirm_present(meeting, lee, meeting.version, {"confidentiality_read": True})
    backdate(meeting, present_confirmed_at=meeting.starts_at + timedelta(minutes=5))
    if meeting.school.name in UNINVITED:
        name, organisation = UNINVITED[meeting.school.name]
        day.add_uninvited(meeting, lee, {"name": name, "organisation": organisation})
    day.record_attendance(
        meeting,
        lee,
        invitations,
        {
            row.id: {**one, "version": row.version}
            for row, one in zip(invitations, came, strict=True)
        },
    )
    minuted_at = before(utcnow(), meeting.ends_at + MINUTED_AFTER)
    for name, item in items:
        if name in MINUTES:
            _minutes(meeting, item, MINUTES[name], THEIR_WORDS.get(name), lee, minuted_at)
            for action in MINUTES[name][-1]:
                _action(meeting, item, lee, minuted_at, users, agencies, *action)


def held(meeting: Meeting) -> None:
    """Marked held the day after, as mark_held does but for acting on the decisions (above)."""
    meeting.status = "held"
    meeting.held_at = before(utcnow(), meeting.ends_at + timedelta(days=1))
    db.session.flush()
    record("meeting_held", target=meeting, detail={"fields": ["held_at", "status"]})
    db.session.commit()


def _minutes(
    meeting: Meeting,
    item: AgendaItem,
    minutes: tuple,
    words: tuple[str, str] | None,
    lee: User,
    at: datetime,
) -> None:
    worries, working_well, needs, decision, note, parent, parent_how, child, child_how, _ = minutes
    child_says, family_says = words or (None, None)
    values = {
        "worries": worries,
        "working_well": working_well,
        "needs_to_happen": needs,
        "decision": decision,
        "decision_note": note,
        "parent_part": parent,
        "parent_part_how": parent_how,
        "child_part": child,
        "child_part_how": child_how,
        "child_says": child_says,
        "family_says": family_says,
    }
    for name, value in values.items():
        setattr(item, name, value)
    item.minuted_by_id, item.minuted_at = lee.id, at
    db.session.flush()
    detail = {"fields": sorted(values), "meeting_id": meeting.id, "child_id": item.child_id}
    record("minutes_saved", target=item, detail=detail)
    db.session.commit()


def _action(meeting, item, lee, at, users, agencies, description, owner, due_in, status) -> None:
    """Agreed at the meeting, onto the child's plan; moved on four days later."""
    family = members(item.child_id)
    plan = open_plan_of(item.child_id)
    due_on = local(meeting.starts_at).date() + timedelta(days=due_in)
    row = add_meeting_action(
        meeting,
        plan,
        lee,
        {
            "description": description,
            **owner_values(owner, users, agencies, family[0] if family else None),
            # Never before the plan started (a start moved to a school day can pass it).
            "due_on": max(due_on, plan.started_on),
        },
    )
    if status != "not_started":
        note = DONE_AT_MEETING if status == "done" else None
        actions.change_action(row, lee, row.version, {"status": status, "completion_note": note})
    moments = (at, before(utcnow(), at + CHANGED_AFTER))
    for event, moment in zip(events_of(row), moments, strict=False):
        backdate(event, at=moment)
