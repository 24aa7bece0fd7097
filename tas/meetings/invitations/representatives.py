"""Naming the person who answers for an agency's invitation: what an organiser is offered instead
of inviting an agency twice (tas.meetings.invitations.once), so the agency keeps one invitation,
one answer and one attendance, and the person sees the meeting as its representative."""

from __future__ import annotations

from tas.audit.services import record
from tas.core.clock import utcnow
from tas.core.use_cases import Refused, check_version, commit, refuse_if
from tas.extensions import db
from tas.ical import invites
from tas.meetings.invitations.closing import changes_closed
from tas.meetings.invitations.once import OneInvitation, already_invited, standing_for
from tas.meetings.invitations.services import (
    INVITABLE_ROLES,
    invitee_problems,
    lock_invitations,
)
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import Agency, User

NO_LONGER = "This invitation can no longer be changed that way: check who is invited"


def one_invitation_instead(meeting: Meeting, values: dict) -> OneInvitation | None:
    """When the invitation asked for (the invitation form's values) would invite an agency
    twice: the one invitation offered instead, if the standing one can become it."""
    if changes_closed(meeting, utcnow()):
        return None
    problems, agency, person = invitee_problems(values)
    if problems:
        return None
    return already_invited(meeting.id, agency, person)[1]


def _fits(invitation: Invitation, agency: Agency | None, person: User | None) -> bool:
    """The invitation can become the agency's naming the person: the person works for the
    agency and may be invited, and the invitation is the agency's naming nobody or the person's
    by name, and the only one standing for either."""
    if agency is None or person is None:
        return False
    if not person.active or person.role not in INVITABLE_ROLES or person.agency_id != agency.id:
        return False
    either = (invitation.agency_id, invitation.representative_id) in (
        (agency.id, None),
        (None, person.id),
    )
    others = standing_for(invitation.meeting_id, agency.id, person.id)
    return either and [other.id for other in others] == [invitation.id]


def name_representative(
    meeting: Meeting, invitation: Invitation, user: User, version: int | None, values: dict
) -> list[str]:
    """Make the standing invitation the agency's with the person as its representative: the
    person is named on the agency's invitation (and sent it: the agency's contact address had
    it), or their invitation by name becomes the agency's. Audited; what changed, nothing when
    it already is so (the button pressed twice)."""
    agency = db.session.get(Agency, values["agency_id"]) if values.get("agency_id") else None
    person = db.session.get(User, values["person_id"]) if values.get("person_id") else None
    wanted = (agency.id if agency else None, person.id if person else None)
    if None not in wanted and (invitation.agency_id, invitation.representative_id) == wanted:
        return []
    closed = changes_closed(meeting, utcnow())
    refuse_if({"version": closed} if closed else {})
    check_version(invitation, version)
    lock_invitations(meeting)
    if not _fits(invitation, agency, person):
        raise Refused({"version": NO_LONGER})
    fields = [
        name
        for name, wanted in (("agency_id", agency.id), ("representative_id", person.id))
        if getattr(invitation, name) != wanted
    ]
    newly_sent = invitation.representative_id is None

    def write() -> list[str]:
        invitation.agency, invitation.representative = agency, person
        db.session.flush()  # a competing save shows here, as StaleDataError
        record(
            "invitation_changed",
            target=invitation,
            detail={
                "meeting_id": invitation.meeting_id,
                "agency_id": agency.id,
                "representative_id": person.id,
                "fields": fields,
            },
        )
        if newly_sent:
            invites.invited(meeting, invitation)
        return fields

    return commit(write)
