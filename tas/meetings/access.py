"""Who may see and do what with meetings (docs/security.md, Roles): one clause for lists, one
check for a meeting (TAS requests have theirs: tas/meetings/requests/access.py). Every meetings
route, list and export goes through this module. Deny by default: a role not named here sees
nothing.

- ORGANISE: the school's DSL, a link worker linked to the school, and the meeting's chair: book,
  move, cancel, invite, set the agenda, record attendance and minutes.
- INVITED: a person or agency invited (not removed), from the invitation until 30 days after the
  meeting: the arrangements, that meeting's agenda items and their minutes, and their own answer;
  never the rest of a child's record. A GP practice invited sees arrangements only (GPs never see
  minutes, docs/security.md, Roles).
- ARRANGEMENTS: a coordinator for their clusters (or the district): date, time, place, invitations,
  answers, attendance and counts; children's names only through their recorded-reason access.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from flask import abort, current_app
from sqlalchemy import ColumnElement, Select, and_, case, exists, false, or_, select, true, union

from tas.children.agreed import newest_agreement_of
from tas.children.models import Agreement, AgreementAgency
from tas.core import per_request
from tas.core.clock import utcnow
from tas.extensions import db
from tas.meetings.models import AgendaItem, Invitation, Meeting
from tas.organisations.models import School, User, coordinator_clusters, link_worker_schools


def invited_for() -> timedelta:
    """How long after a meeting an invited practitioner still sees it (30 days by default)."""
    return timedelta(days=current_app.config["INVITED_VIEW_DAYS"])


# Roles an invitation by name (or of their agency) gives the agenda and minutes of a meeting:
# a DSL or SENCO of another school (a transition), practitioners, link workers. A GP practice
# invited sees the arrangements only; coordinators see arrangements anyway.
# Roles with meetings to list (the navigation offers the list to the same roles).
LISTING_ROLES = frozenset({"dsl", "link_worker", "practitioner", "gp", "coordinator"})
INVITABLE_ROLES = ("practitioner", "link_worker", "dsl", "school_staff")
# Roles an invitation of their agency (naming nobody) covers.
AGENCY_WIDE_ROLES = ("practitioner", "gp")


class MeetingAccess(enum.IntEnum):
    NONE = 0
    ARRANGEMENTS = 1
    INVITED = 2
    ORGANISE = 3


def invitation_gives(user: User) -> MeetingAccess:
    """The level an invitation covering this person gives them: the agenda and minutes for the
    roles that may see them (INVITED), the arrangements only for a GP practice (GPs never see
    minutes, docs/security.md, Roles), nothing for anyone else."""
    if user.role in INVITABLE_ROLES:
        return MeetingAccess.INVITED
    if user.role == "gp":
        return MeetingAccess.ARRANGEMENTS
    return MeetingAccess.NONE


def organising_schools(user: User):
    """The schools whose meetings and requests this user organises (a SELECT of school ids),
    or None for a role that organises none."""
    if user.role == "dsl" and user.school_id is not None:
        return select(School.id).where(School.id == user.school_id)
    if user.role == "link_worker":
        return select(link_worker_schools.c.school_id).where(
            link_worker_schools.c.user_id == user.id
        )
    return None


def coordinated_schools(user: User):
    """The schools a coordinator covers (a SELECT of ids): every school, or their clusters'."""
    if user.district_wide:
        return select(School.id)
    return select(School.id).where(
        School.cluster_id.in_(
            select(coordinator_clusters.c.cluster_id).where(
                coordinator_clusters.c.user_id == user.id
            )
        )
    )


def covers(invitation: Invitation, user: User, school_cluster_id: int) -> bool:
    """Whether an invitation gives this person the meeting, held at a school of this cluster
    (Python twin of `covered`)."""
    if invitation.representative_id == user.id:
        return True
    if user.agency_id is None or user.role not in AGENCY_WIDE_ROLES:
        return False
    if invitation.agency_id != user.agency_id:
        return False
    if user.is_safeguarding_lead:
        return True
    return invitation.representative_id is None and in_area(user, school_cluster_id)


def in_area(user: User, cluster_id: int) -> bool:
    """A practitioner's area is the clusters they cover (set by an administrator): their
    agency's invitations naming nobody reach them for those clusters' schools only, so a
    practitioner of a region-wide agency is not invited to the whole region. No area: every
    school (a partnership too small to divide)."""
    if user.role != "practitioner":
        return True
    area = {cluster.id for cluster in user.clusters}
    return not area or cluster_id in area


def _area_clause(user: User) -> ColumnElement[bool]:
    """`in_area` for the invitation's meeting, as SQL."""
    if user.role != "practitioner":
        return true()
    area = select(coordinator_clusters.c.cluster_id).where(
        coordinator_clusters.c.user_id == user.id
    )
    in_area_schools = (
        select(Meeting.id)
        .join(School, School.id == Meeting.school_id)
        .where(School.cluster_id.in_(area))
        .correlate(None)
    )
    return or_(~exists(area.correlate(None)), Invitation.meeting_id.in_(in_area_schools))


def covered(user: User) -> ColumnElement[bool]:
    """An invitation naming the person; or one of their agency (practitioners and GP practice
    staff only) that names nobody, at a school in a practitioner's area (`in_area`), or any of
    their agency's for its safeguarding lead. A link worker sees meetings of their linked
    schools, or where named: never through Early Help's invitations to other schools."""
    who = Invitation.representative_id == user.id
    if user.agency_id is not None and user.role in AGENCY_WIDE_ROLES:
        agency = Invitation.agency_id == user.agency_id
        if not user.is_safeguarding_lead:
            agency = and_(agency, Invitation.representative_id.is_(None), _area_clause(user))
        who = or_(who, agency)
    return who


def own_first(user: User) -> ColumnElement[int]:
    """An ORDER BY term putting the invitation that names the person before their agency's
    (as `tas.meetings.invitations.answers.my_invitation` chooses). Not `(representative_id =
    user) DESC`: an invitation naming nobody compares as NULL, which PostgreSQL sorts first."""
    return case((Invitation.representative_id == user.id, 0), else_=1)


def invited(user: User, now: datetime) -> ColumnElement[bool]:
    """The person is covered by a standing invitation to the meeting (see `covered`), and the
    meeting ended less than 30 days ago (INVITED_VIEW_DAYS)."""
    who = covered(user)
    return and_(
        exists()
        .where(Invitation.meeting_id == Meeting.id, Invitation.removed_at.is_(None), who)
        .correlate(Meeting),
        Meeting.ends_at > now - invited_for(),
    )


def clauses(user: User, now: datetime | None = None) -> dict[MeetingAccess, ColumnElement[bool]]:
    """For each access level, the SQL condition on Meeting under which this user has it."""
    now = now or utcnow()
    nothing = false()
    organise = arrangements = invited_to = nothing
    if not user.active:
        return {
            MeetingAccess.ORGANISE: nothing,
            MeetingAccess.INVITED: nothing,
            MeetingAccess.ARRANGEMENTS: nothing,
        }
    schools = organising_schools(user)
    if schools is not None:
        organise = or_(Meeting.school_id.in_(schools), Meeting.chair_id == user.id)
    elif user.role in ("practitioner",):
        organise = Meeting.chair_id == user.id
    gives = invitation_gives(user)
    if gives == MeetingAccess.INVITED:
        invited_to = invited(user, now)
    elif gives == MeetingAccess.ARRANGEMENTS:
        arrangements = invited(user, now)
    if user.role == "coordinator":
        arrangements = (
            true() if user.district_wide else Meeting.school_id.in_(coordinated_schools(user))
        )
    return {
        MeetingAccess.ORGANISE: organise,
        MeetingAccess.INVITED: invited_to,
        MeetingAccess.ARRANGEMENTS: arrangements,
    }


def _candidates(user: User) -> Select | None:
    """Index first: the ids of every meeting this user could have any access to, each path read
    by its index (the schools they organise for or coordinate, the meetings they chair, the
    invitations that cover them). Every condition of `clauses` implies one of these paths, so
    the conditions run on this set rather than on every meeting of the region (a district-wide
    coordinator's is every meeting: `sees_every_meeting`)."""
    paths: list[Select] = []
    schools = organising_schools(user)
    if schools is not None:
        paths.append(select(Meeting.id).where(Meeting.school_id.in_(schools)))
    if schools is not None or user.role == "practitioner":
        paths.append(select(Meeting.id).where(Meeting.chair_id == user.id))
    if user.role in INVITABLE_ROLES or user.role == "gp":
        paths.append(
            select(Invitation.meeting_id).where(Invitation.removed_at.is_(None), covered(user))
        )
    if user.role == "coordinator" and not user.district_wide:
        paths.append(select(Meeting.id).where(Meeting.school_id.in_(coordinated_schools(user))))
    if not paths:
        return None
    # Each path is a query of its own, never tied to the Meeting row of the query it filters.
    return union(*(path.correlate(None) for path in paths))


def sees_every_meeting(user: User) -> bool:
    """A district-wide coordinator sees the arrangements of every meeting: no set to find."""
    return user.active and user.role == "coordinator" and user.district_wide


def visible(
    user: User, level: MeetingAccess = MeetingAccess.ARRANGEMENTS, now: datetime | None = None
) -> ColumnElement[bool]:
    """The condition for lists: meetings this user has at least `level` on, the candidates
    found by index first (`_candidates`), then the levels' conditions on that set. Within a
    request, built once for each person and level (a list asks three times)."""
    if now is not None:
        return _visible(user, level, now)
    return per_request.once(
        "meeting_access", (per_request.person(user), level), lambda: _visible(user, level, None)
    )


def _visible(user: User, level: MeetingAccess, now: datetime | None) -> ColumnElement[bool]:
    if not user.active:
        return false()
    condition = or_(*(condition for at, condition in clauses(user, now).items() if at >= level))
    if sees_every_meeting(user):
        return condition
    candidates = _candidates(user)
    if candidates is None:
        return false()
    return and_(Meeting.id.in_(candidates), condition)


def own_meetings(user: User, now: datetime | None = None) -> ColumnElement[bool]:
    """The condition for the meetings that are this person's own to go to (their calendar
    feed, tas/ical/feeds.py): those they organise (a chair's included) and those an invitation
    covering them gives them, at whatever level it gives (`invitation_gives`: a GP practice's
    is the arrangements). Never a coordinator's area: seeing its arrangements is no invitation.
    Index first, as `visible`."""
    if not user.active:
        return false()
    levels = clauses(user, now)
    own = [levels[MeetingAccess.ORGANISE]]
    gives = invitation_gives(user)
    if gives != MeetingAccess.NONE:
        own.append(levels[gives])
    candidates = _candidates(user)
    if candidates is None:
        return false()
    return and_(Meeting.id.in_(candidates), or_(*own))


def access_to(user: User, meeting_id: int, now: datetime | None = None) -> MeetingAccess:
    """This user's access to one meeting, in one query (NONE when it does not exist)."""
    levels = clauses(user, now)
    level = case(
        (levels[MeetingAccess.ORGANISE], int(MeetingAccess.ORGANISE)),
        (levels[MeetingAccess.INVITED], int(MeetingAccess.INVITED)),
        (levels[MeetingAccess.ARRANGEMENTS], int(MeetingAccess.ARRANGEMENTS)),
        else_=int(MeetingAccess.NONE),
    )
    found = db.session.scalar(select(level).where(Meeting.id == meeting_id))
    return MeetingAccess(found or 0)


def require(
    user: User, meeting_id: int, level: MeetingAccess = MeetingAccess.ARRANGEMENTS
) -> tuple[Meeting, MeetingAccess]:
    """The meeting, unless the user lacks `level` on it: 404 when they may not know it exists,
    403 when they may see it but not do this."""
    have = access_to(user, meeting_id)
    if have == MeetingAccess.NONE:
        abort(404)
    if have < level:
        abort(403)
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:  # pragma: no cover - access_to found it a moment ago
        abort(404)
    return meeting, have


def may_organise_school(user: User, school_id: int) -> bool:
    """Whether the user may book meetings for (and triage or request at) this school."""
    schools = organising_schools(user)
    if schools is None or not user.active:
        return False
    return bool(
        db.session.scalar(select(School.id).where(School.id == school_id, School.id.in_(schools)))
    )


def on_agenda_now(now: datetime | None = None) -> ColumnElement[bool]:
    """An agenda item that stands: an anonymous consultation, an item of a meeting that has
    started, was held or was cancelled (kept as history: its minutes can still be finished), or
    a child whose family's agreement stands. A child whose family withdrew agreement leaves
    every agenda still to come at once."""
    now = now or utcnow()
    agreed = (
        exists()
        .where(Agreement.child_id == AgendaItem.child_id, Agreement.withdrawn_on.is_(None))
        .correlate(AgendaItem)
    )
    to_come = (
        exists()
        .where(
            Meeting.id == AgendaItem.meeting_id,
            Meeting.status == "scheduled",
            Meeting.starts_at > now,
        )
        .correlate(AgendaItem)
    )
    return or_(AgendaItem.child_id.is_(None), ~to_come, agreed)


def _agreement_covers_viewer(user: User) -> ColumnElement[bool]:
    """The child's current agreement (the newest standing) lets the viewer's agency receive
    information: it names no agencies, or names theirs. A viewer without an agency (a school's
    DSL invited by name) is covered only by an agreement naming no agencies."""
    current = newest_agreement_of(AgendaItem.child_id).correlate(AgendaItem)
    names_agencies = exists().where(AgreementAgency.agreement_id == current)
    if user.agency_id is None:
        return and_(current.is_not(None), ~names_agencies)
    names_theirs = exists().where(
        AgreementAgency.agreement_id == current, AgreementAgency.agency_id == user.agency_id
    )
    return and_(current.is_not(None), or_(~names_agencies, names_theirs))


def agenda_for(user: User, level: MeetingAccess, now: datetime | None = None):
    """The condition on AgendaItem for the items (and their minutes and actions) this person may
    see: organisers every standing item; invited people only anonymous consultations and
    children whose family's current agreement covers their agency; nobody else any."""
    if level >= MeetingAccess.ORGANISE:
        return on_agenda_now(now)
    if not sees_agenda(level, user):
        return false()
    return or_(AgendaItem.child_id.is_(None), _agreement_covers_viewer(user))


def sees_agenda(level: MeetingAccess, user: User) -> bool:
    """The agenda items and minutes are for organisers and invited practitioners only."""
    return level >= MeetingAccess.INVITED and user.role != "gp"
