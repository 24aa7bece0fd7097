"""On the day: who was present, attendance per agency, minutes per child, decisions and the
actions they put on each child's shared plan, and when the meeting is held.

Use cases load, change, audit (field names and ids only, never what was typed) and commit once
through tas.core.use_cases.commit, so a lost race is a stale edit (409), never a 500. What the
meeting page shows of the day is read by tas.meetings.day.summary.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import abort, current_app, has_app_context
from sqlalchemy import ColumnElement, and_, select

from tas.audit.services import audit_fields, audit_view, record
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.clock import LONDON, local, utcnow
from tas.core.use_cases import StaleEdit, check_version, commit, refuse_if
from tas.extensions import db
from tas.meetings.day import rules as minutes_rules
from tas.meetings.models import Invitation, Meeting, UninvitedAttendee
from tas.organisations.models import User
from tas.plans import rules as plan_rules


class StaleAttendance(StaleEdit):
    """Someone saved attendance for these invitations after the form was opened."""

    def __init__(self, invitation_ids: list[int]):
        super().__init__(invitation_ids)
        self.invitation_ids = invitation_ids


def working_days() -> int:
    """Working days allowed for the minutes (a setting; docs/design.md section 4)."""
    default = minutes_rules.MINUTES_WORKING_DAYS
    if not has_app_context():
        return default
    return int(current_app.config.get("MINUTES_WORKING_DAYS", default))


def meeting_day(meeting: Meeting) -> date:
    return local(meeting.starts_at).date()


def minutes_due_on(meeting: Meeting) -> date:
    return minutes_rules.minutes_due_on(meeting_day(meeting), ENGLAND_AND_WALES, working_days())


def is_overdue(meeting: Meeting, now: datetime) -> bool:
    """The same rule as `minutes_overdue`, for one meeting already loaded."""
    if meeting.status != "scheduled" or meeting.cancelled_at is not None:
        return False
    today = local(now).date()
    return minutes_rules.minutes_overdue_on(
        meeting_day(meeting), today, ENGLAND_AND_WALES, working_days()
    )


def minutes_overdue(now: datetime) -> ColumnElement[bool]:
    """SQL condition on Meeting: still scheduled (minutes not complete) 2 working days after it
    took place. Lists show it as "Minutes overdue"; the chair sees it flagged."""
    today = local(now).date()
    last = minutes_rules.last_overdue_meeting_day(today, ENGLAND_AND_WALES, working_days())
    # Every meeting that started before the end of that day, London time.
    cutoff = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)
    return and_(
        Meeting.status == "scheduled", Meeting.cancelled_at.is_(None), Meeting.starts_at < cutoff
    )


def why_not_recordable(meeting: Meeting) -> str | None:
    return minutes_rules.why_not_recordable(meeting.status, meeting.starts_at, utcnow())


def may_confirm_presence(meeting: Meeting, user: User) -> bool:
    """The chair confirms who is present; when no chair is named, any organiser may."""
    return meeting.chair_id is None or meeting.chair_id == user.id


def invitation_name(invitation: Invitation) -> str:
    """Who was invited: the agency (and its representative), or the named person."""
    person = invitation.representative
    if invitation.agency is not None:
        return f"{invitation.agency.name} ({person.name})" if person else invitation.agency.name
    if person is None:
        return "Invited person"
    organisation = person.agency.name if person.agency else None
    return f"{person.name}, {organisation}" if organisation else person.name


# ---------------------------------------------------------------- presence and attendance


def confirm_present(meeting: Meeting, user: User, version: int | None, values: dict) -> None:
    """The chair confirms who is present and that the confidentiality statement was read."""
    check_version(meeting, version)

    def write() -> None:
        meeting.present_confirmed_at = utcnow()
        meeting.confidentiality_read = bool(values["confidentiality_read"])
        db.session.flush()
        record(
            "meeting_presence_confirmed",
            target=meeting,
            detail={"fields": ["confidentiality_read", "present_confirmed_at"]},
        )

    commit(write)


def record_attendance(
    meeting: Meeting, user: User, invitations: list[Invitation], values: dict[int, dict]
) -> dict[int, dict]:
    """Save each invitation's attendance, unless someone saved a different answer for any of
    them since the form was opened: then nothing is saved, and the stale invitations are named.
    One saved since with the very answer sent (the form sent twice) is no conflict."""
    stale = [
        i.id
        for i in invitations
        if values[i.id]["version"] != i.version
        and (values[i.id]["attendance"], values[i.id]["attended_by"])
        != (i.attendance, i.attended_by)
    ]
    if stale:
        raise StaleAttendance(stale)
    problems = {
        f"attended_by_{i.id}": f"Enter the names of who came for {invitation_name(i)}"
        for i in invitations
        if values[i.id]["attendance"] == "attended" and not values[i.id]["attended_by"]
    }
    refuse_if(problems)
    changed = {}
    for invitation in invitations:
        wanted = {name: values[invitation.id][name] for name in ("attendance", "attended_by")}
        before = {name: getattr(invitation, name) for name in wanted}
        difference = plan_rules.changes(before, wanted)
        if difference:
            changed[invitation] = wanted
    if not changed:
        return {}

    def write() -> dict[int, dict]:
        for invitation, wanted in changed.items():
            for name, value in wanted.items():
                setattr(invitation, name, value)
        db.session.flush()  # a competing save shows here, as StaleDataError
        record(
            "attendance_recorded",
            target=meeting,
            detail={
                "invitation_ids": sorted(i.id for i in changed),
                "fields": ["attendance", "attended_by"],
            },
        )
        return {i.id: wanted for i, wanted in changed.items()}

    return commit(write)


def add_uninvited(meeting: Meeting, user: User, values: dict) -> UninvitedAttendee:
    attendee = UninvitedAttendee(meeting_id=meeting.id, recorded_by_id=user.id, **values)
    db.session.add(attendee)

    def write() -> UninvitedAttendee:
        db.session.flush()
        record(
            "uninvited_attendee_added",
            target=attendee,
            detail=audit_fields(values, meeting_id=meeting.id),
        )
        return attendee

    return commit(write)


def remove_uninvited(meeting: Meeting, attendee_id: int) -> None:
    attendee = db.session.get(UninvitedAttendee, attendee_id)
    if attendee is None or attendee.meeting_id != meeting.id:
        abort(404)

    def write() -> None:
        record("uninvited_attendee_removed", target=attendee, detail={"meeting_id": meeting.id})
        db.session.delete(attendee)

    commit(write)


# ---------------------------------------------------------------- held, and the family version


def viewed(action: str, target, **detail) -> None:
    """Every read of a page about the day is in the audit log (committed before the page's
    records are loaded, since a commit expires every loaded row)."""
    audit_view(action, target=target, detail=detail)


def saved_invitations(ids: list[int]) -> dict[int, Invitation]:
    """The invitations as saved now (reloaded over what this request loaded), by id: what a
    stale attendance form is compared with."""
    rows = db.session.scalars(
        select(Invitation).where(Invitation.id.in_(ids)).execution_options(populate_existing=True)
    )
    return {row.id: row for row in rows}
