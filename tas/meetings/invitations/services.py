"""Invitations to a meeting (their answers are in tas.meetings.invitations.answers; each school's
default invited agencies in tas.meetings.invitations.defaults).

An invitation names an agency (with an optional representative, a user of that agency; without
one the agency's contact address is used) or a named person (agency left empty, so only that
person is invited, not their whole agency). There is one standing invitation per agency or
person per meeting, a person invited by name counting for their agency
(tas.meetings.invitations.once); a removed invitation is kept with `removed_at` set. When they can
no longer be added, removed or answered: tas.meetings.invitations.closing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from tas.audit.services import record
from tas.children.models import Child
from tas.core.clock import utcnow
from tas.core.use_cases import check_version, commit, refuse_if
from tas.extensions import db
from tas.ical import invites
from tas.meetings import access
from tas.meetings.access import MeetingAccess, on_agenda_now
from tas.meetings.invitations.closing import answer_closed, changes_closed, removal_closed
from tas.meetings.invitations.once import already_invited
from tas.meetings.models import AgendaItem, Invitation, Meeting, MeetingChange
from tas.organisations.models import Agency, User
from tas.organisations.rules import GP_PRACTICE
from tas.organisations.services import agencies

# An invitation gives people in these roles a view of the meeting (tas.meetings.access).
INVITABLE_ROLES = (*access.INVITABLE_ROLES, "gp")


class MeetingInvitations(list):
    """The meeting's standing invitations, oldest first, and what this person may see of them:
    answers (organisers and coordinators), written updates (organisers only, as they may name
    children), their own invitations (the one naming them first: `own_first`), the GP
    practices suggested to organisers, and which invitations may still be removed."""

    def __init__(
        self,
        rows=(),
        *,
        answers_shown: bool = False,
        updates_shown: bool = False,
        mine: list[Invitation] | None = None,
        suggested: list[Agency] | None = None,
        answered_by: dict[int, str] | None = None,
        may_answer: bool = False,
        retimed_at: datetime | None = None,
        removable: frozenset[int] = frozenset(),
    ):
        super().__init__(rows)
        self.answers_shown = answers_shown
        self.updates_shown = updates_shown
        self.mine = mine or []
        self.suggested = suggested or []
        self.answered_by = answered_by or {}
        self.may_answer = may_answer
        self.retimed_at = retimed_at
        self.removable = removable

    def may_remove(self, invitation: Invitation) -> bool:
        """An organiser may still remove it (`closing.removal_closed`)."""
        return invitation.id in self.removable

    def before_the_move(self, invitation: Invitation) -> bool:
        """The answer was given before the meeting last moved to another day or time, so it
        may not stand for the new one (it is kept: a written update is never lost)."""
        return (
            self.retimed_at is not None
            and invitation.answered_at is not None
            and invitation.answered_at < self.retimed_at
        )


def standing(meeting_id: int) -> tuple:
    """The conditions for the meeting's invitations that stand (not removed)."""
    return (Invitation.meeting_id == meeting_id, Invitation.removed_at.is_(None))


def is_mine(invitation: Invitation, user: User, meeting: Meeting) -> bool:
    """The invitation (to this meeting) names the user, or invites their agency in a way that
    covers them."""
    return access.covers(invitation, user, meeting.school.cluster_id)


def own_first(invitations: list[Invitation], user: User) -> list[Invitation]:
    """The person's invitations, the one naming them before their agency's, then oldest first
    (as `access.own_first` orders them in SQL), so the meeting page shows the invitation the
    answer page answers and the lists show the answer of."""
    return sorted(
        invitations, key=lambda invitation: (invitation.representative_id != user.id, invitation.id)
    )


def for_meeting(meeting: Meeting, user: User, level: MeetingAccess) -> list[Invitation]:
    """The meeting's standing invitations with their answers, for the meeting page (one query,
    and one more for an organiser's suggestions)."""
    if level == MeetingAccess.NONE:
        return MeetingInvitations()
    answerer = aliased(User)
    rows = db.session.execute(
        select(Invitation, answerer.name)
        .options(
            joinedload(Invitation.agency),
            joinedload(Invitation.representative).joinedload(User.agency),
            joinedload(Invitation.representative).joinedload(User.school),
        )
        .outerjoin(answerer, answerer.id == Invitation.answered_by_id)
        .where(*standing(meeting.id))
        .order_by(Invitation.invited_at, Invitation.id)
    ).all()
    invitations = [invitation for invitation, _name in rows]
    organiser = level >= MeetingAccess.ORGANISE
    mine = own_first([i for i in invitations if is_mine(i, user, meeting)], user)
    now = utcnow()
    return MeetingInvitations(
        invitations,
        answers_shown=organiser or user.role == "coordinator",
        updates_shown=organiser,
        mine=mine,
        suggested=suggested_practices(meeting) if organiser else [],
        answered_by={invitation.id: name for invitation, name in rows if name},
        may_answer=bool(mine) and answer_closed(meeting, now) is None,
        retimed_at=last_retimed(meeting.id),
        removable=frozenset(
            i.id for i in invitations if organiser and removal_closed(meeting, i, now) is None
        ),
    )


def last_retimed(meeting_id: int) -> datetime | None:
    """When the meeting last moved to another day or time (one query), if it ever did."""
    moves = db.session.execute(
        select(MeetingChange.at, MeetingChange.before).where(
            MeetingChange.meeting_id == meeting_id, MeetingChange.kind == "moved"
        )
    ).all()
    times = [at for at, before in moves if "starts_at" in (before or {})]
    return max(times, default=None)


def suggested_practices(meeting: Meeting) -> list[Agency]:
    """The GP practices of the children on the agenda that are not invited yet (one query)."""
    if meeting.status != "scheduled":
        return []
    practices = (
        select(Child.gp_practice_id)
        .join(AgendaItem, AgendaItem.child_id == Child.id)
        .where(AgendaItem.meeting_id == meeting.id, on_agenda_now())
    )
    # A practice one of whose staff is invited by name is invited (invitations/once.py).
    representative = aliased(User)
    counted = func.coalesce(Invitation.agency_id, representative.agency_id)
    invited = (
        select(counted)
        .outerjoin(representative, representative.id == Invitation.representative_id)
        .where(*standing(meeting.id), counted.is_not(None))
    )
    return list(
        db.session.scalars(
            select(Agency)
            .where(
                Agency.id.in_(practices),
                Agency.id.not_in(invited),
                Agency.service_type == GP_PRACTICE,
            )
            .order_by(Agency.name)
        )
    )


# ---------------------------------------------------------------- choosing who to invite


def invitable_agencies() -> list[Agency]:
    return agencies()


def invitable_people() -> list[User]:
    """Active people an invitation gives a view of the meeting, with their organisation."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.agency), joinedload(User.school))
            .where(User.active.is_(True), User.role.in_(INVITABLE_ROLES))
            .order_by(User.name, User.id)
        )
    )


def lock_invitations(meeting: Meeting) -> None:
    """Take the meeting's row lock (PostgreSQL), so two organisers cannot both invite the same
    agency at once; SQLite serialises writes anyway."""
    db.session.execute(select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())


def invitee_problems(values: dict) -> tuple[dict, Agency | None, User | None]:
    """What is wrong with who was chosen, and the agency and person chosen."""
    kind = values.get("kind")
    agency = person = None
    if kind == "agency":
        agency = db.session.get(Agency, values["agency_id"]) if values.get("agency_id") else None
        if agency is None:
            return {"agency": "Select the agency to invite"}, None, None
        if values.get("representative_id"):
            person = db.session.get(User, values["representative_id"])
            if (
                person is None
                or not person.active
                or person.agency_id != agency.id
                or person.role not in INVITABLE_ROLES
            ):
                return {"representative": f"Select someone who works for {agency.name}"}, None, None
    elif kind == "person":
        person = db.session.get(User, values["person_id"]) if values.get("person_id") else None
        if person is None or not person.active or person.role not in INVITABLE_ROLES:
            return {"person": "Select the person to invite"}, None, None
    else:
        return {"kind": "Select whether you are inviting an agency or a named person"}, None, None
    return {}, agency, person


def add_invitation(meeting: Meeting, user: User, values: dict) -> Invitation:
    """Invite an agency (with an optional representative) or a named person, audited."""
    closed = changes_closed(meeting, utcnow())
    refuse_if({"kind": closed} if closed else {})
    problems, agency, person = invitee_problems(values)
    refuse_if(problems)
    lock_invitations(meeting)
    refuse_if(already_invited(meeting.id, agency, person)[0])
    invitation = Invitation(
        meeting_id=meeting.id,
        agency_id=agency.id if agency else None,
        representative_id=person.id if person else None,
        invited_by_id=user.id,
    )
    db.session.add(invitation)

    def write() -> Invitation:
        db.session.flush()
        audit_added(invitation, default=False)
        invites.invited(meeting, invitation)
        return invitation

    return commit(write)


def audit_added(invitation: Invitation, *, default: bool) -> None:
    record(
        "invitation_added",
        target=invitation,
        detail={
            "meeting_id": invitation.meeting_id,
            "agency_id": invitation.agency_id,
            "representative_id": invitation.representative_id,
            "default": default,
        },
    )


def invite_suggested(meeting: Meeting, user: User, agency_id: int | None) -> Invitation | None:
    """Invite one of the suggested GP practices (None when it is not suggested now)."""
    if agency_id is None or agency_id not in {a.id for a in suggested_practices(meeting)}:
        return None
    return add_invitation(meeting, user, {"kind": "agency", "agency_id": agency_id})


def remove_invitation(invitation: Invitation, user: User, version: int | None) -> None:
    """Withdraw an invitation; it is kept, marked removed (calendars send a cancellation).
    Never once the meeting has started or its attendance was recorded: it is part of what
    happened (`closing.removal_closed`), so that is said, whatever version the form had."""
    closed = removal_closed(invitation.meeting, invitation, utcnow())
    refuse_if({"version": closed} if closed else {})
    check_version(invitation, version)

    def write() -> None:
        invitation.removed_at = utcnow()
        db.session.flush()  # a competing save shows here, as StaleDataError
        record(
            "invitation_removed",
            target=invitation,
            detail={
                "meeting_id": invitation.meeting_id,
                "agency_id": invitation.agency_id,
                "representative_id": invitation.representative_id,
            },
        )
        invites.uninvited(invitation.meeting, invitation)

    commit(write)


def standing_invitation(meeting: Meeting, invitation_id: int) -> Invitation | None:
    return db.session.scalar(
        select(Invitation)
        .options(joinedload(Invitation.agency), joinedload(Invitation.representative))
        .where(Invitation.id == invitation_id, *standing(meeting.id))
    )
