"""Booking the handover (TAF) meeting after a step down from Children's Social Care: the child
goes on its agenda, and the people invited are those involved with the child (the agencies of
the shared plan's involvements, Children's Social Care's worker among them) and the family, not
the school's default TAS agencies. Also which meeting a handover review is about, so it is not
recorded as held before the meeting's date.

The booking checks the arrangements as any booking does (tas.meetings.booking.services), adds the
child and the invitations, queues each invitation's calendar entry, audits (ids only) and commits
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.children.models import Child, FamilyMember
from tas.core.choices import label
from tas.core.clock import local
from tas.core.transactions import lock, write_transaction
from tas.core.use_cases import commit, refuse_if
from tas.core.words import local_date
from tas.extensions import db
from tas.ical import invites
from tas.levels.models import StepChange
from tas.levels.services import open_plan_of
from tas.meetings.agenda import services as agenda
from tas.meetings.booking import services as booking
from tas.meetings.handover import handover_meetings
from tas.meetings.invitations.services import audit_added
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import Agency, User
from tas.organisations.rules import SERVICE_TYPES
from tas.plans.leads import social_worker_words
from tas.plans.models import AgencyInvolvement, SharedPlan
from tas.reviews.models import Review

SOCIAL_CARE_SERVICE = "social_care"
AGENDA_REASON = "Handover from Children's Social Care to early help, with the family"
INVOLVED = ("active", "requested")


@dataclass(frozen=True)
class Invitee:
    """An agency involved with the child, suggested for the handover meeting."""

    agency: Agency
    practitioner: User | None
    service: str
    social_worker: str | None = None
    # Ticked on the booking form unless guessed: Social Care's agency when no involvement of it
    # is recorded is suggested for the person booking to choose.
    ticked: bool = True

    @property
    def label(self) -> str:
        who = self.social_worker or (self.practitioner.name if self.practitioner else None)
        named = self.agency.name
        words = named if self.service in ("", named) else f"{named}: {self.service}"
        words += f" ({who})" if who else ""
        return words if self.ticked else f"{words}, not recorded as involved"


@dataclass(frozen=True)
class HandoverBooking:
    """What booking a child's handover meeting starts from: the open handover review, the
    plan, the agencies involved and the family."""

    child: Child
    review: Review
    plan: SharedPlan | None
    invitees: list[Invitee]
    family: list[FamilyMember]
    booked: list[Meeting]  # handover meetings booked since the step down: none is booked again


class AlreadyBooked(Exception):
    """A handover meeting was booked for the child since the step down (in another tab, or by
    another organiser): a second one, with its invitations, is not booked."""

    def __init__(self, meetings: list[Meeting]):
        super().__init__([meeting.id for meeting in meetings])
        self.meetings = meetings


def open_handover(child_id: int) -> Review | None:
    """The child's open handover (TAF) meeting review, if there is one."""
    return db.session.scalar(
        select(Review)
        .where(
            Review.child_id == child_id,
            Review.kind == "handover_meeting",
            Review.status == "open",
        )
        .order_by(Review.due_on, Review.id)
        .limit(1)
    )


def handover_booking(child: Child) -> HandoverBooking | None:
    """What the handover booking page offers, or None when no handover meeting is due (a fixed
    number of queries whatever the number of agencies and family members)."""
    review = open_handover(child.id)
    if review is None:
        return None
    plan = open_plan_of(child.id)
    return HandoverBooking(
        child, review, plan, invitees_of(plan), family_of(child.id), booked_since(review)
    )


def booked_since(review: Review) -> list[Meeting]:
    """The handover meetings booked for the review's child since its step down."""
    return handover_meetings(review.child_id, since_step_down(review))


def invitees_of(plan: SharedPlan | None) -> list[Invitee]:
    """The agencies involved with the child, one each (the named practitioner answers for it);
    Children's Social Care, with the social worker recorded while it held the plan; when no
    involvement of Social Care was recorded, the one Social Care agency set up is suggested
    unticked (none when there are several: the person booking chooses)."""
    if plan is None:
        return []
    involvements = db.session.scalars(
        select(AgencyInvolvement)
        .options(joinedload(AgencyInvolvement.agency), joinedload(AgencyInvolvement.practitioner))
        .where(AgencyInvolvement.plan_id == plan.id, AgencyInvolvement.status.in_(INVOLVED))
        .order_by(AgencyInvolvement.id)
    )
    found: dict[int, Invitee] = {}
    for involvement in involvements:
        if involvement.agency_id not in found:
            found[involvement.agency_id] = Invitee(
                involvement.agency, involvement.practitioner, involvement.service
            )
    social_worker = social_worker_words(plan)
    if social_worker:
        social_care = next(
            (i for i in found.values() if i.agency.service_type == SOCIAL_CARE_SERVICE), None
        )
        if social_care is not None:
            found[social_care.agency.id] = Invitee(
                social_care.agency, social_care.practitioner, social_care.service, social_worker
            )
        else:
            agency = only_social_care_agency()
            if agency is not None:
                service = label(SERVICE_TYPES, SOCIAL_CARE_SERVICE)
                found[agency.id] = Invitee(agency, None, service, social_worker, ticked=False)
    return sorted(found.values(), key=lambda i: (i.agency.name.lower(), i.agency.id))


def only_social_care_agency() -> Agency | None:
    """The Children's Social Care agency when exactly one is set up (one query), else None:
    with two or more, which one holds the case is not recorded, so none is guessed."""
    found = db.session.scalars(
        select(Agency).where(Agency.service_type == SOCIAL_CARE_SERVICE).limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def family_of(child_id: int) -> list[FamilyMember]:
    """The family to invite: the child's parents, carers and network, those with parental
    responsibility first (a safe-contact warning is shown beside the person)."""
    return list(
        db.session.scalars(
            select(FamilyMember)
            .where(FamilyMember.child_id == child_id)
            .order_by(FamilyMember.parental_responsibility.desc(), FamilyMember.name)
        )
    )


def _invite_problems(booking_for: HandoverBooking, agency_ids: list[int]) -> dict[str, str]:
    if set(agency_ids) <= {invitee.agency.id for invitee in booking_for.invitees}:
        return {}
    return {"invite": "Select agencies from the list of those involved with the child"}


def handover_problems(
    booking_for: HandoverBooking, user: User, values: dict, agency_ids: list[int]
) -> dict[str, str]:
    """Field -> what to put right, for the handover meeting's arrangements and invitations."""
    meeting = {**values, "school_id": booking_for.child.school_id, "kind": "taf"}
    return {
        **booking.booking_problems(user, meeting),
        **_invite_problems(booking_for, agency_ids),
    }


def book_handover(
    booking_for: HandoverBooking,
    user: User,
    values: dict,
    agency_ids: list[int],
    *,
    anyway: bool = False,
    on_closed_day: bool = False,
) -> Meeting:
    """Book the handover (TAF) meeting at the child's school with the child on its agenda and
    the chosen involved agencies invited (never the school's default TAS agencies). Under the
    child's handover lock, in one write transaction: AlreadyBooked when a handover meeting was
    booked since the step down, even by a request sent at the same moment."""
    offered = {invitee.agency.id: invitee for invitee in booking_for.invitees}
    refuse_if(_invite_problems(booking_for, agency_ids))
    child = booking_for.child
    values = {**values, "school_id": child.school_id, "kind": "taf"}

    def write() -> Meeting:
        lock(f"handover-booking:{child.id}")
        already = booked_since(booking_for.review)
        if already:
            raise AlreadyBooked(already)
        meeting = booking.add_meeting(
            user, values, anyway=anyway, on_closed_day=on_closed_day, school_defaults=False
        )
        agenda.add_child(meeting, child, AGENDA_REASON, user)
        added = [
            Invitation(
                meeting_id=meeting.id,
                agency_id=agency_id,
                representative_id=_representative(offered[agency_id]),
                invited_by_id=user.id,
            )
            for agency_id in agency_ids
        ]
        db.session.add_all(added)
        db.session.flush()
        for invitation in added:
            audit_added(invitation, default=False)
            invites.invited(meeting, invitation)
        record(
            "handover_meeting_booked",
            target=meeting,
            detail={
                "child_id": child.id,
                "review_id": booking_for.review.id,
                "agency_ids": sorted(agency_ids),
            },
        )
        return meeting

    with write_transaction():
        return commit(write)


def _representative(invitee: Invitee) -> int | None:
    practitioner = invitee.practitioner
    return practitioner.id if practitioner is not None and practitioner.active else None


# ---------------------------------------------------------------- held, not before its date


def since_step_down(review: Review) -> datetime:
    """From when a handover review's meetings count: the day of its step down (or the day the
    review opened)."""
    day: date | None = None
    if review.step_change_id is not None:
        day = db.session.scalar(
            select(StepChange.changed_on).where(StepChange.id == review.step_change_id)
        )
    if day is None:
        day = review.created_at.date() if review.created_at else review.due_on
    return datetime.combine(day, time(0), tzinfo=UTC)


def held_too_early(review: Review, outcome: str, completed_on: date | None) -> str | None:
    """Why a handover review cannot be completed as held on that date, or None: the handover
    meeting booked for the child has not taken place by then."""
    if review.kind != "handover_meeting" or outcome != "held" or completed_on is None:
        return None
    meetings = handover_meetings(review.child_id, since_step_down(review))
    if not meetings or any(local_day(m) <= completed_on for m in meetings):
        return None
    first = meetings[0]
    return (
        f"The handover (TAF) meeting {first.reference} is on {local_date(first.starts_at)}: "
        "it can only be recorded as held on or after that date"
    )


def local_day(meeting: Meeting) -> date:
    """The meeting's date in London."""
    return local(meeting.starts_at).date()
