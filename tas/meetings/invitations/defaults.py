"""Each school's default invited agencies (Future in Mind, 0-19 Service, Early Help link worker,
unless its organisers chose others) and inviting them to a newly booked meeting.

A school that never chose gets the agencies of the partnership's default services
(rules.DEFAULT_INVITED_SERVICES); so that "none chosen" keeps that meaning, a choice must name at
least one agency. The saved choice is compared with the one the page was opened with, so two
organisers saving at once cannot overwrite each other unseen.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.exc import IntegrityError

from tas.audit.services import record
from tas.core.clock import utcnow
from tas.core.use_cases import StaleEdit, refuse_if
from tas.extensions import db
from tas.meetings import rules
from tas.meetings.invitations.services import audit_added, standing
from tas.meetings.models import Invitation, Meeting, school_default_agencies
from tas.organisations.models import Agency, School, User, link_worker_schools
from tas.organisations.rules import GP_PRACTICE


def chosen_defaults(school_id: int) -> list[int]:
    """The agencies the school's organisers chose to invite by default (none when never chosen)."""
    return sorted(
        db.session.scalars(
            select(school_default_agencies.c.agency_id).where(
                school_default_agencies.c.school_id == school_id
            )
        )
    )


def default_agencies(school_id: int) -> list[Agency]:
    """The agencies a new meeting at the school invites: those chosen, or when none were ever
    chosen, the agencies of the default services (Future in Mind, 0-19, Early Help)."""
    chosen = select(school_default_agencies.c.agency_id).where(
        school_default_agencies.c.school_id == school_id
    )
    agencies = list(
        db.session.scalars(select(Agency).where(Agency.id.in_(chosen)).order_by(Agency.name))
    )
    if agencies:
        return agencies
    return list(
        db.session.scalars(
            select(Agency)
            .where(Agency.service_type.in_(rules.DEFAULT_INVITED_SERVICES))
            .order_by(Agency.name)
        )
    )


def default_agency_choices(school_id: int) -> list[Agency]:
    """The agencies a school may invite by default: every agency but the GP practices (which
    are suggested per meeting), and any the school already chose."""
    chosen = select(school_default_agencies.c.agency_id).where(
        school_default_agencies.c.school_id == school_id
    )
    return list(
        db.session.scalars(
            select(Agency)
            .where(or_(Agency.service_type != GP_PRACTICE, Agency.id.in_(chosen)))
            .order_by(Agency.name)
        )
    )


def set_default_agencies(
    school: School, loaded: list[int], chosen: list[int], user: User | None = None
) -> dict:
    """Save the school's default invited agencies, unless someone else saved them since the page
    was opened with `loaded` (StaleEdit). Audited with the agency ids added and removed."""
    refuse_if({} if chosen else {"agencies": "Select at least one agency to invite by default"})
    saved = set(chosen_defaults(school.id))
    if saved != set(loaded):
        raise StaleEdit
    wanted = set(chosen)
    existing = set(db.session.scalars(select(Agency.id).where(Agency.id.in_(wanted))))
    refuse_if({} if existing == wanted else {"agencies": "Select agencies from the list"})
    added, removed = sorted(wanted - saved), sorted(saved - wanted)
    if not added and not removed:
        return {}
    table = school_default_agencies
    try:
        if removed:
            db.session.execute(
                delete(table).where(table.c.school_id == school.id, table.c.agency_id.in_(removed))
            )
        if added:
            db.session.execute(
                insert(table), [{"school_id": school.id, "agency_id": a} for a in added]
            )
        record(
            "school_default_agencies_changed",
            target=school,
            detail={"added": added, "removed": removed},
            actor=user,
        )
        db.session.commit()
    except IntegrityError as error:  # another save added the same agency a moment ago
        db.session.rollback()
        raise StaleEdit from error
    return {"added": added, "removed": removed}


def _default_invitation(
    meeting: Meeting, agency_id: int, representative_id: int | None, user: User
) -> Invitation:
    """A default invitation; the link worker who chairs or organises the meeting is attending
    (nobody asks them to answer their own meeting)."""
    invitation = Invitation(
        meeting_id=meeting.id,
        agency_id=agency_id,
        representative_id=representative_id,
        invited_by_id=user.id,
    )
    if representative_id is not None and representative_id in (
        meeting.chair_id,
        meeting.organiser_id,
    ):
        invitation.answer = "attending"
        invitation.answered_at = utcnow()
        invitation.answered_by_id = representative_id
    return invitation


def invite_defaults(meeting: Meeting, user: User) -> list[Invitation]:
    """Invite the school's default agencies to a newly booked meeting (flush, no commit)."""
    if meeting.id is None:
        db.session.flush()  # the new meeting's id and school
    agencies = default_agencies(meeting.school_id)
    invited = set(
        db.session.scalars(
            select(Invitation.agency_id).where(
                *standing(meeting.id), Invitation.agency_id.is_not(None)
            )
        )
    )
    agencies = [agency for agency in agencies if agency.id not in invited]
    if not agencies:
        return []
    link_workers: dict[int, int] = {}
    for worker in db.session.scalars(
        select(User)
        .join(link_worker_schools, link_worker_schools.c.user_id == User.id)
        .where(
            link_worker_schools.c.school_id == meeting.school_id,
            User.active.is_(True),
            User.role == "link_worker",
            User.agency_id.in_([agency.id for agency in agencies]),
        )
        .order_by(User.name, User.id)
    ):
        link_workers.setdefault(worker.agency_id, worker.id)
    added = [
        _default_invitation(meeting, agency.id, link_workers.get(agency.id), user)
        for agency in agencies
    ]
    db.session.add_all(added)
    db.session.flush()
    for invitation in added:
        audit_added(invitation, default=True)
    return added
