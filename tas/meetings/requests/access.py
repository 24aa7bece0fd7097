"""Who may see and triage TAS requests (docs/security.md, Roles): one clause for lists, one check
for a request. The people who organise a school's meetings (tas.meetings.access
organising_schools) see its requests; everyone sees their own while they may see the child."""

from __future__ import annotations

from flask import abort
from sqlalchemy import ColumnElement, and_, select, union

from tas.children import access as children
from tas.children.models import Child
from tas.extensions import db
from tas.meetings.access import may_organise_school, organising_schools
from tas.meetings.models import TasRequest
from tas.organisations.models import User


def requests_visible(user: User) -> ColumnElement[bool]:
    """Requests this user may see: those of schools they organise for (the DSL's own school, a
    link worker's linked schools), and their own requests while they may still see the child.
    Found by index first (the schools' requests and their own), then checked against the
    children they may see, as one set."""
    schools = organising_schools(user)
    paths = [select(TasRequest.id).where(TasRequest.requested_by_id == user.id)]
    if schools is not None:
        paths.append(select(TasRequest.id).where(TasRequest.school_id.in_(schools)))
    readable = select(Child.id).where(children.visible(user))
    return and_(
        TasRequest.id.in_(union(*(path.correlate(None) for path in paths))),
        TasRequest.child_id.in_(readable.correlate(None)),
    )


def require_request(user: User, request_id: int) -> TasRequest:
    """One request, or 404 when the user may not see it."""
    found = db.session.scalar(
        select(TasRequest).where(TasRequest.id == request_id, requests_visible(user))
    )
    if found is None:
        abort(404)
    return found


def may_triage(user: User, request: TasRequest) -> bool:
    """Triage is for the link workers linked to the request's school."""
    return user.role == "link_worker" and may_organise_school(user, request.school_id)
