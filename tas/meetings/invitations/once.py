"""Each agency is invited once to a meeting, and each person once.

A person invited by name counts for their agency wherever attendance is counted (the attendance
report per agency, tas/meetings/lists/reports.py), so inviting Future in Mind and, by name, one
of its practitioners would count Future in Mind twice, with two answers and two attendances for
one service. An agency's invitation names the person who answers for it (its representative), so
what an organiser wants then is one invitation: the agency's, naming that person. This module
finds the invitation that stands in the way, says why in the organiser's words, and offers that
one invitation where it can be made of the one standing (`OneInvitation`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, joinedload

from tas.extensions import db
from tas.meetings.models import Invitation
from tas.organisations.models import Agency, User


@dataclass(frozen=True)
class OneInvitation:
    """Instead of a second invitation of the agency: the standing one made the agency's, with
    the person as its representative."""

    invitation: Invitation
    agency: Agency
    person: User

    @property
    def names_the_person(self) -> bool:
        """The agency's invitation names nobody yet: the person is added to it (and sent it);
        otherwise the person's own invitation by name becomes the agency's."""
        return self.invitation.representative_id is None

    @property
    def explained(self) -> str:
        if self.names_the_person:
            return (
                f"{self.person.name} works for {self.agency.name}. You can name them on "
                f"{self.agency.name}'s invitation as the person who answers for it: they are "
                "sent the invitation, and the agency is still invited once."
            )
        return (
            f"{self.person.name} is invited by name. You can make theirs {self.agency.name}'s "
            "invitation, with them answering for it, so the agency is invited once."
        )

    @property
    def button(self) -> str:
        if self.names_the_person:
            return f"Name {self.person.name} on {self.agency.name}'s invitation"
        return f"Make {self.person.name}'s invitation {self.agency.name}'s"


def standing_for(meeting_id: int, agency_id: int | None, person_id: int | None):
    """The meeting's standing invitations that name the person, or count for the agency (its
    own, or one naming someone of it by name), the person's first (one query)."""
    representative = aliased(User)
    conditions = []
    if person_id is not None:
        conditions.append(Invitation.representative_id == person_id)
    if agency_id is not None:
        counted = func.coalesce(Invitation.agency_id, representative.agency_id)
        conditions.append(counted == agency_id)
    if not conditions:
        return []
    found = db.session.scalars(
        select(Invitation)
        .outerjoin(representative, representative.id == Invitation.representative_id)
        .options(
            joinedload(Invitation.agency),
            joinedload(Invitation.representative).joinedload(User.agency),
        )
        .where(
            Invitation.meeting_id == meeting_id,
            Invitation.removed_at.is_(None),
            or_(*conditions),
        )
        .order_by(Invitation.id)
    ).all()
    return sorted(found, key=lambda invitation: invitation.representative_id != person_id)


def already_invited(
    meeting_id: int, agency: Agency | None, person: User | None
) -> tuple[dict[str, str], OneInvitation | None]:
    """Why this agency (with its representative `person`, if named) or this person invited by
    name (`agency` None) cannot be invited again, beside the question it is about, and the one
    invitation offered instead, if one can be made of the invitation standing in the way."""
    counted = agency if agency is not None else (person.agency if person else None)
    found = standing_for(meeting_id, counted.id if counted else None, person.id if person else None)
    if not found:
        return {}, None
    invitation = found[0]
    named = invitation.representative
    if person is not None and invitation.representative_id == person.id:
        offer = None
        if agency is not None and invitation.agency_id is None:
            offer = OneInvitation(invitation, agency, person)
        field = "person" if agency is None else "representative"
        return {field: f"{person.name} is already invited to this meeting"}, offer
    field = "person" if agency is None else "agency"
    if agency is None:
        said = f"{person.name} works for {counted.name}, which is already invited to this meeting"
    else:
        said = f"{counted.name} is already invited to this meeting"
    if invitation.agency_id is None:  # someone of the agency, invited by name
        offer = None
        if agency is not None and person is None:
            offer = OneInvitation(invitation, agency, named)
        return {field: f"{said}: {named.name} is invited by name"}, offer
    if named is not None:
        return {field: f"{said}, with {named.name} as its representative"}, None
    offer = OneInvitation(invitation, counted, person) if person is not None else None
    return {field: said}, offer
