"""The agenda of a meeting: adding a child (only with the family's current agreement) or an
anonymous consultation, and the items a person may see. Shared by requests and meeting pages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children import access as children_access
from tas.children.access import Access, current_agreement
from tas.children.agreed import newest_agreement_of
from tas.children.models import AgreementAgency, Child
from tas.core.markers import origin
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.meetings import rules
from tas.meetings.access import MeetingAccess, agenda_for, on_agenda_now, sees_agenda
from tas.meetings.models import AgendaItem, Invitation, Meeting, TasRequest
from tas.meetings.requests.identifiers import NAME, REFERENCE, Known, what_identifies
from tas.organisations.models import User

ALREADY_ON_AGENDA = "This child is already on this meeting's agenda"
NOTES_NAME_THE_CHILD = (
    "The meeting's notes for attendees name this child, and everyone who can see the meeting "
    "reads them: change the notes (move the meeting) first, then add the child"
)
ONE_FAMILY = (
    "A TAF / handover meeting is about one family, and another child is already on its agenda: "
    "choose a TAS or keeping-in-touch meeting, or book a handover meeting for this child"
)
NOT_ON_A_TAF = (
    "A TAF / handover meeting is about one family: an anonymous consultation goes on a TAS meeting"
)
TAF = "taf"
PLACE_NAMES_THE_CHILD = (
    "The meeting's location or online link matches this child's name, and invitations and "
    "calendars show it: change the place (move the meeting) first, then add the child"
)


def _next_position(meeting: Meeting) -> int:
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    return (last or 0) + 1


def agenda_problems(meeting: Meeting, child: Child | None) -> dict[str, str]:
    """Why this child cannot go on this meeting's agenda, if they cannot."""
    if meeting.status != "scheduled":
        return {"meeting": "Choose a meeting that is still scheduled"}
    if meeting.kind == TAF:
        if child is None:
            return {"meeting": NOT_ON_A_TAF}
        if _someone_else_on(meeting, child):
            return {"meeting": ONE_FAMILY}
    if child is None:
        return {}
    if child.school_id != meeting.school_id:
        return {"child": "Choose a child of the school the meeting is for"}
    if current_agreement(child.id) is None:
        return {"child": rules.NO_AGREEMENT_FOR_AGENDA}
    already = db.session.scalar(
        select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting.id, AgendaItem.child_id == child.id
        )
    )
    if already is not None:
        return {"child": ALREADY_ON_AGENDA}
    known = Known(child.first_name, child.last_name, _identifiers(child), child.date_of_birth)
    notes = meeting.notes_for_attendees
    if notes and what_identifies(notes, [known], any_numbers=False):
        return {"child": NOTES_NAME_THE_CHILD}
    places = (None if meeting.venue_private else meeting.location, meeting.online_link)
    if any(what_identifies(place, [known]) in (NAME, REFERENCE) for place in places if place):
        return {"child": PLACE_NAMES_THE_CHILD}
    return {}


def _someone_else_on(meeting: Meeting, child: Child) -> bool:
    """Whether an item about anyone but this child (another child, or a consultation) is on
    the meeting's agenda, whatever became of it since (one query)."""
    other = db.session.scalar(
        select(AgendaItem.id)
        .where(
            AgendaItem.meeting_id == meeting.id,
            AgendaItem.child_id.is_distinct_from(child.id),
        )
        .limit(1)
    )
    return other is not None


def _identifiers(child: Child) -> tuple[str, ...]:
    found = (
        child.upn,
        child.nhs_number,
        child.early_help_reference,
        child.social_care_reference,
        child.school_system_reference,
    )
    return tuple(value for value in found if value)


def add_child(
    meeting: Meeting,
    child: Child,
    reason: str,
    user: User,
    *,
    request: TasRequest | None = None,
    slot_starts=None,
) -> AgendaItem:
    """Put a child on the agenda (no commit: the caller's use case commits once, audited).
    Raises Refused when the child cannot be added."""
    problems = agenda_problems(meeting, child)
    if problems:
        raise Refused(problems)
    item = AgendaItem(
        meeting_id=meeting.id,
        child_id=child.id,
        request_id=request.id if request else None,
        position=_next_position(meeting),
        slot_starts=slot_starts,
        reason=reason,
        added_by_id=user.id,
        **origin(user),
    )
    db.session.add(item)
    try:
        db.session.flush()
    except IntegrityError as error:  # another organiser added the child a moment ago
        db.session.rollback()
        raise Refused({"child": ALREADY_ON_AGENDA}) from error
    record(
        "agenda_child_added",
        target=item,
        detail={"meeting_id": meeting.id, "child_id": child.id},
    )
    return item


def add_consultation(meeting: Meeting, situation: str, user: User) -> AgendaItem:
    """An anonymous consultation: a situation without the child's name (no commit)."""
    problems = agenda_problems(meeting, None)
    if problems:
        raise Refused(problems)
    item = AgendaItem(
        meeting_id=meeting.id,
        child_id=None,
        position=_next_position(meeting),
        reason=situation,
        added_by_id=user.id,
        **origin(user),
    )
    db.session.add(item)
    db.session.flush()
    record("agenda_consultation_added", target=item, detail={"meeting_id": meeting.id})
    return item


def items_for(meeting: Meeting, user: User, level: MeetingAccess) -> list[AgendaItem]:
    """The agenda items this person may see, in order (one query): none for arrangements-only
    access; a withdrawn child's item is gone from a meeting still to come; an invited agency
    sees only children whose family agreed to share with it (access.agenda_for)."""
    if not sees_agenda(level, user):
        return []
    return list(
        db.session.scalars(
            select(AgendaItem)
            .options(joinedload(AgendaItem.child))
            .where(AgendaItem.meeting_id == meeting.id, agenda_for(user, level))
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def not_shared_with(items: list[AgendaItem], invitations: list[Invitation]) -> dict[int, list[str]]:
    """For the organiser: each child's item -> the invited services whose people do not see it,
    because the family's agreement does not cover them (two queries). GP practices see the
    arrangements only, whatever the agreement, and are left out here."""
    child_items = [item.id for item in items if item.child_id is not None]
    viewers = [
        (invitation.agency or invitation.representative.agency, _invited_name(invitation))
        for invitation in invitations
        if invitation.removed_at is None
        and not (invitation.agency and invitation.agency.is_gp_practice)
        and not (invitation.representative and invitation.representative.role == "gp")
    ]
    if not child_items or not viewers:
        return {}
    current = newest_agreement_of(AgendaItem.child_id).correlate(AgendaItem)
    agreements = {
        item_id: agreement_id
        for item_id, agreement_id in db.session.execute(
            select(AgendaItem.id, current).where(AgendaItem.id.in_(child_items))
        )
    }
    named: dict[int, set[int]] = {}
    for agreement_id, agency_id in db.session.execute(
        select(AgreementAgency.agreement_id, AgreementAgency.agency_id).where(
            AgreementAgency.agreement_id.in_([a for a in agreements.values() if a is not None])
        )
    ):
        named.setdefault(agreement_id, set()).add(agency_id)
    unseen = {}
    for item_id, agreement_id in agreements.items():
        if agreement_id is None:
            continue
        agencies = named.get(agreement_id, set())
        left_out = [
            name
            for agency, name in viewers
            if agencies and (agency is None or agency.id not in agencies)
        ]
        if left_out:
            unseen[item_id] = sorted(set(left_out))
    return unseen


def _invited_name(invitation: Invitation) -> str:
    if invitation.representative is not None:
        return invitation.representative.name
    return invitation.agency.name


def count_for(meeting: Meeting, shown_to_organiser: list[AgendaItem] | None = None) -> int:
    """How many items stand on the agenda (what arrangements-only access may know). An
    organiser is shown every standing item (`items_for`): given those, no query is needed."""
    if shown_to_organiser is not None:
        return len(shown_to_organiser)
    return db.session.scalar(
        select(func.count(AgendaItem.id)).where(
            AgendaItem.meeting_id == meeting.id, on_agenda_now()
        )
    )


def readable_children(items: list[AgendaItem], user: User) -> set[int]:
    """The agenda children whose record this person may open (one query): being invited shows
    the agenda item only, never the rest of the child's record."""
    ids = sorted({item.child_id for item in items if item.child_id is not None})
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Child.id).where(
                Child.id.in_(ids), children_access.visible_among_few(user, Access.READ)
            )
        )
    )
