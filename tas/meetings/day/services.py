"""On the day: who was present, attendance per agency, minutes per child, decisions and the
actions they put on each child's shared plan, and when the meeting is held.

Use cases load, change, audit (field names and ids only, never what was typed) and commit once
through tas.core.use_cases.commit, so a lost race is a stale edit (409), never a 500.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import abort, current_app, has_app_context
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_fields, audit_view, record
from tas.core.bank_holidays import ENGLAND_AND_WALES
from tas.core.choices import label
from tas.core.clock import LONDON, local, utcnow
from tas.core.use_cases import StaleEdit, check_version, commit, refuse_if
from tas.extensions import db
from tas.levels.decisions import closing as decision_closing
from tas.levels.decisions import services as open_decisions
from tas.meetings import rules
from tas.meetings.access import MeetingAccess, on_agenda_now, sees_agenda
from tas.meetings.day import rules as minutes_rules
from tas.meetings.models import AgendaItem, Invitation, Meeting, UninvitedAttendee
from tas.organisations.models import Agency, User
from tas.plans import rules as plan_rules
from tas.plans.models import Action, SharedPlan
from tas.plans.team import owner_name


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


# ---------------------------------------------------------------- reading the day


def invitation_name(invitation: Invitation) -> str:
    """Who was invited: the agency (and its representative), or the named person."""
    person = invitation.representative
    if invitation.agency is not None:
        return f"{invitation.agency.name} ({person.name})" if person else invitation.agency.name
    if person is None:
        return "Invited person"
    organisation = person.agency.name if person.agency else None
    return f"{person.name}, {organisation}" if organisation else person.name


def standing_invitations(meeting_id: int) -> list[Invitation]:
    """The meeting's invitations that were not removed, with who they are for (one query)."""
    return list(
        db.session.scalars(
            select(Invitation)
            .options(
                joinedload(Invitation.agency),
                joinedload(Invitation.representative).joinedload(User.agency),
            )
            .where(Invitation.meeting_id == meeting_id, Invitation.removed_at.is_(None))
            .order_by(Invitation.id)
        )
    )


@dataclass(frozen=True)
class UninvitedRow:
    attendee: UninvitedAttendee
    organisation: str


def uninvited_of(meeting_id: int) -> list[UninvitedRow]:
    rows = db.session.execute(
        select(UninvitedAttendee, Agency.name)
        .outerjoin(Agency, Agency.id == UninvitedAttendee.agency_id)
        .where(UninvitedAttendee.meeting_id == meeting_id)
        .order_by(UninvitedAttendee.id)
    )
    return [
        UninvitedRow(row, ", ".join(part for part in (row.organisation, agency) if part))
        for row, agency in rows
    ]


@dataclass(frozen=True)
class ActionLine:
    """An action agreed at the meeting, as the minutes show it."""

    action: Action
    child_id: int
    owner: str


def actions_agreed(meeting_id: int, child_id: int | None = None) -> list[ActionLine]:
    """Actions this meeting put on children's plans (of one child, when given), one query."""
    query = (
        select(Action, SharedPlan.child_id)
        .join(SharedPlan, SharedPlan.id == Action.plan_id)
        .options(
            joinedload(Action.owner_agency),
            joinedload(Action.owner_user),
            joinedload(Action.owner_family_member),
        )
        .where(Action.meeting_id == meeting_id)
        .order_by(Action.due_on, Action.id)
    )
    if child_id is not None:
        query = query.where(SharedPlan.child_id == child_id)
    return [
        ActionLine(action, child, owner_name(action)) for action, child in db.session.execute(query)
    ]


def standing_items(meeting_id: int) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem)
            .options(joinedload(AgendaItem.child))
            .where(AgendaItem.meeting_id == meeting_id, on_agenda_now())
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def item_name(item: AgendaItem) -> str:
    return item.child.full_name if item.child is not None else "the anonymous consultation"


def missing_for_held(
    items: list[AgendaItem], invitations: list[Invitation]
) -> list[minutes_rules.Missing]:
    unrecorded = [invitation_name(i) for i in invitations if not i.attendance]
    minutes = [
        minutes_rules.ItemMinutes(
            item.id,
            item_name(item),
            item.child_id is not None,
            item.worries,
            item.working_well,
            item.needs_to_happen,
            item.decision,
            item.parent_part,
            item.child_part,
        )
        for item in items
    ]
    return minutes_rules.not_complete(minutes, unrecorded)


def attendance_counts(invitations: list[Invitation], uninvited: int) -> list[tuple[str, int]]:
    """How many invitations ended in each kind of attendance, and who came uninvited."""
    counted = Counter(invitation.attendance for invitation in invitations)
    rows = [(choice.label, counted.get(choice.code, 0)) for choice in rules.ATTENDANCE]
    rows.append(("Not recorded yet", counted.get(None, 0)))
    rows.append(("Came without an invitation", uninvited))
    return rows


def summary(meeting: Meeting, user: User, level: MeetingAccess) -> dict:
    """What the meeting page shows of the day itself, in a fixed number of queries: counts
    only for arrangements access; names, minutes and actions for organisers and invited
    practitioners (not GPs); what is missing and whether minutes are overdue for organisers."""
    now = utcnow()
    organiser = level >= MeetingAccess.ORGANISE
    names = sees_agenda(level, user)
    invitations = standing_invitations(meeting.id)
    uninvited = uninvited_of(meeting.id)
    actions: dict[int, list[ActionLine]] = defaultdict(list)
    if names:
        for line in actions_agreed(meeting.id):
            actions[line.child_id].append(line)
    missing = []
    if organiser and meeting.status == "scheduled":
        missing = missing_for_held(standing_items(meeting.id), invitations)
    # Only the agenda children this person may see (the agenda's own filter): the meeting
    # page's `meeting_viewed` audit names every one of them, as they are on its agenda.
    still_open = open_decisions.of_meeting(meeting.id, user, level)
    why_not = why_not_recordable(meeting)
    return {
        "status_label": label(rules.MEETING_STATUSES, meeting.status),
        "cancelled": meeting.status == "cancelled",
        "held": meeting.status == "held",
        "started": minutes_rules.has_started(meeting.starts_at, now),
        "due_on": minutes_due_on(meeting),
        "overdue": organiser and is_overdue(meeting, now),
        "counts": attendance_counts(invitations, len(uninvited)),
        "names": names,
        "invitations": invitations if names else [],
        "uninvited": uninvited if names else [],
        "actions": actions,
        "organiser": organiser,
        "may_record": organiser and why_not is None,
        "why_not": why_not,
        "missing": missing,
        "open_decisions": still_open,
        "left_open": open_decisions.left_open(still_open) if organiser else [],
        "may_close": bool(still_open) and decision_closing.may_close(meeting, user),
        "closed_by_hand": decision_closing.closed_by_hand(meeting.id) if organiser else [],
        "may_confirm": organiser and why_not is None and may_confirm_presence(meeting, user),
        "attendance_labels": minutes_rules.labels(rules.ATTENDANCE),
        "part_labels": minutes_rules.labels(rules.FAMILY_PARTS),
        "decision_labels": minutes_rules.labels(rules.DECISIONS),
    }


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
    """Save each invitation's attendance, unless someone saved any of them since the form was
    opened: then nothing is saved, and the stale invitations are named."""
    stale = [i.id for i in invitations if values[i.id]["version"] != i.version]
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
