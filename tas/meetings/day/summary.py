"""What the meeting page shows of the day itself: who is invited and who came uninvited, the
actions the meeting agreed, the agenda items standing, what is missing before it can be held.
Reads only, each in one query; the changes on the day are tas.meetings.day.services."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.core.clock import utcnow
from tas.extensions import db
from tas.levels.decisions import closing as decision_closing
from tas.levels.decisions import services as open_decisions
from tas.meetings import rules
from tas.meetings.access import MeetingAccess, on_agenda_now, sees_agenda
from tas.meetings.day import rules as minutes_rules
from tas.meetings.day.services import (
    invitation_name,
    is_overdue,
    may_confirm_presence,
    minutes_due_on,
    why_not_recordable,
)
from tas.meetings.invitations.services import MeetingInvitations, last_retimed
from tas.meetings.models import AgendaItem, Invitation, Meeting, UninvitedAttendee
from tas.organisations.models import Agency, User
from tas.plans.actions.rows import owner_name
from tas.plans.models import Action, SharedPlan


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


def answered_before_the_move(meeting_id: int, invitations: list[Invitation]) -> set[int]:
    """The invitations whose answer was given before the meeting last moved to another day or
    time (one query): it may not stand for the day it is now."""
    marked = MeetingInvitations(invitations, retimed_at=last_retimed(meeting_id))
    return {invitation.id for invitation in invitations if marked.before_the_move(invitation)}


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


def of_meeting(
    meeting: Meeting,
    user: User,
    level: MeetingAccess,
    standing: list[Invitation],
    items: list[AgendaItem],
) -> dict:
    """What the meeting page shows of the day itself, in a fixed number of queries: counts
    only for arrangements access; names, minutes and actions for organisers and invited
    practitioners (not GPs); what is missing and whether minutes are overdue for organisers.
    `standing`: the meeting's standing invitations and `items`: the agenda items this person
    is shown (every standing item, for an organiser), both as the page read them."""
    now = utcnow()
    organiser = level >= MeetingAccess.ORGANISE
    names = sees_agenda(level, user)
    invitations = sorted(standing, key=attrgetter("id"))  # in the order they were made
    uninvited = uninvited_of(meeting.id)
    actions: dict[int, list[ActionLine]] = defaultdict(list)
    if names:
        for line in actions_agreed(meeting.id):
            actions[line.child_id].append(line)
    missing = []
    if organiser and meeting.status == "scheduled":
        missing = missing_for_held(items, invitations)
    # Only the agenda children this person may see (the agenda's own filter): the meeting
    # page's `meeting_viewed` audit names every one of them, as they are on its agenda.
    still_open = open_decisions.of_meeting(meeting.id, user, level)
    why_not = why_not_recordable(meeting)
    return {
        "status": rules.shown_status(meeting.status, meeting.ends_at, now),
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
