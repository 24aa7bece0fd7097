"""TAS requests: list, submit, load, withdraw, and close on a withdrawal of agreement; each
change writes its audit entry and commits once (their triage: tas.meetings.requests.triage). Who
may see or triage a request is decided in tas.meetings.access only.

A school (its DSL, or school staff a DSL granted the child) asks for a child to be discussed; the
request links to the family's current agreement. The link worker for the school triages it once:
onto a meeting's agenda, advice given (closed), or redirected to the Integrated Front Door.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view, record
from tas.children import access as children
from tas.children.access import Access, current_agreement
from tas.children.models import Agreement, Child
from tas.core.clock import utcnow
from tas.core.markers import origin
from tas.core.paging import window
from tas.core.use_cases import Refused, check_version, commit, refuse_if
from tas.extensions import db
from tas.meetings.access import organising_schools
from tas.meetings.models import AgendaItem, Meeting, TasRequest
from tas.meetings.requests import alerts
from tas.meetings.requests.access import requests_visible
from tas.organisations.models import User

REQUEST_ROLES = ("dsl", "school_staff")  # who may ask for a child to be discussed
LIST_ROLES = ("dsl", "school_staff", "link_worker")
AWAITING = "awaiting_triage"

# GOV.UK tag colour for each status of a request.
STATUS_TAGS = {
    "awaiting_triage": "govuk-tag--blue",
    "accepted": "govuk-tag--green",
    "advice_given": "govuk-tag--purple",
    "redirected_to_ifd": "govuk-tag--orange",
    "withdrawn": "govuk-tag--grey",
    "agreement_withdrawn": "govuk-tag--grey",
}

NO_AGREEMENT_FOR_REQUEST = (
    "This child cannot be discussed at TAS because the family has not agreed to early help "
    "(or has withdrawn agreement). Record the family's agreement first, or ask advice without "
    "naming the child"
)
ALREADY_OPEN = "There is already a request for this child awaiting triage"
NOT_AWAITING = "This request has already been triaged, so it can no longer be withdrawn"


def may_request(user: User) -> bool:
    """Whether the user is school staff who may ask for children to be discussed at TAS."""
    return user.active and user.role in REQUEST_ROLES and user.school_id is not None


def may_consult(user: User) -> bool:
    """DSLs and link workers may put an anonymous consultation on their schools' meetings."""
    return user.active and organising_schools(user) is not None


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class Listed:
    """One request as the list shows it (plain values: nothing loads after the audit commit)."""

    id: int
    child_name: str
    school_name: str
    requested_at: datetime
    requested_by: str
    status: str
    to_triage: bool


@dataclass(frozen=True)
class RequestsPage:
    rows: list[Listed]
    number: int
    pages: int
    total: int


def to_triage(user: User):
    """Requests this user should triage now: awaiting triage, at a school they are linked to."""
    if user.role != "link_worker":
        return TasRequest.status == AWAITING
    return and_(TasRequest.status == AWAITING, TasRequest.school_id.in_(organising_schools(user)))


def listing(user: User, page: int) -> RequestsPage:
    """One page of the requests this user may see, those to triage first; the read is audited
    (ids only). Two queries whatever the number of requests."""
    where = requests_visible(user)
    total = db.session.scalar(select(func.count(TasRequest.id)).where(where)) or 0
    size = current_app.config["PAGE_SIZE"]
    shown = window(page, total, size)
    first = case((to_triage(user), 0), else_=1)
    found = db.session.execute(
        select(TasRequest, first.label("first"))
        .options(
            joinedload(TasRequest.child),
            joinedload(TasRequest.school),
            joinedload(TasRequest.requested_by),
        )
        .where(where)
        .order_by(first, TasRequest.requested_at.desc(), TasRequest.id.desc())
        .limit(shown.size)
        .offset(shown.start)
    ).all()
    rows = [
        Listed(
            row.id,
            row.child.full_name,
            row.school.name,
            row.requested_at,
            row.requested_by.name,
            row.status,
            order == 0 and user.role == "link_worker",
        )
        for row, order in found
    ]
    audit_view(
        "tas_requests_listed",
        target_type="TasRequest",
        detail={"request_ids": [row.id for row in rows], "page": shown.number},
    )
    return RequestsPage(rows, shown.number, shown.pages, total)


# ---------------------------------------------------------------- asking


def requestable_children(user: User) -> list[tuple[Child, bool]]:
    """Children of the user's school they could change were the family's agreement standing
    (so may ask about), each with whether it stands, in one query."""
    if not may_request(user):
        return []
    agreed = (
        exists()
        .where(Agreement.child_id == Child.id, Agreement.withdrawn_on.is_(None))
        .correlate(Child)
    )
    rows = db.session.execute(
        select(Child, agreed.label("agreed"))
        .where(
            Child.school_id == user.school_id,
            children.clauses(user, as_if_agreed=True)[Access.EDIT],
        )
        .order_by(func.lower(Child.last_name), func.lower(Child.first_name), Child.id)
    ).all()
    return [(child, bool(has)) for child, has in rows]


def waiting_for_triage(child_id: int, school_id: int | None = None) -> TasRequest | None:
    """The child's oldest request still waiting for triage (to this school, when given), if
    any (one query)."""
    query = select(TasRequest).where(TasRequest.child_id == child_id, TasRequest.status == AWAITING)
    if school_id is not None:
        query = query.where(TasRequest.school_id == school_id)
    return db.session.scalar(query.order_by(TasRequest.requested_at, TasRequest.id).limit(1))


def _asked_about(user: User, values: dict) -> tuple[dict[str, str], Child | None, Agreement | None]:
    """What to put right, for a request about this child: one of the person's own school they
    may ask about (anyone else is "not on the list"), with the family's agreement, and no
    request about them waiting for triage; with the child and the agreement when they stand."""
    child = db.session.get(Child, values["child_id"]) if values.get("child_id") else None
    if (
        child is None
        or not may_request(user)
        or child.school_id != user.school_id
        or not children.may_record_consent_decisions(user, child.id)
    ):
        return {"child": "Select the child from the list"}, None, None
    agreement = current_agreement(child.id)
    if agreement is None:
        return {"child": NO_AGREEMENT_FOR_REQUEST}, child, None
    open_one = waiting_for_triage(child.id)
    return ({"child": ALREADY_OPEN} if open_one is not None else {}), child, agreement


def request_problems(user: User, values: dict) -> dict[str, str]:
    """Field -> what to put right, for a request about this child (`_asked_about`)."""
    return _asked_about(user, values)[0]


def submit(user: User, values: dict) -> TasRequest:
    """Ask for a child to be discussed at TAS, linked to the family's current agreement."""
    problems, child, agreement = _asked_about(user, values)
    refuse_if(problems)
    row = TasRequest(
        child_id=child.id,
        school_id=child.school_id,
        requested_by_id=user.id,
        reason=values["reason"],
        already_tried=values["already_tried"],
        child_views=values["child_views"],
        agreement_id=agreement.id,
        **origin(user),
    )
    db.session.add(row)

    def write() -> TasRequest:
        db.session.flush()  # the audit entry needs the new id
        record(
            "tas_request_made",
            target=row,
            detail={
                "child_id": child.id,
                "agreement_id": agreement.id,
                "fields": ["already_tried", "child_views", "reason"],
            },
        )
        alerts.tell_link_workers(row, child.school.name)
        return row

    return commit(write)


# ---------------------------------------------------------------- one request


def viewed(row: TasRequest, action: str = "tas_request_viewed") -> None:
    """Audit a read of the request (ids only), committed before anything is shown."""
    audit_view(action, target=row, detail={"child_id": row.child_id})


def loaded(request_id: int) -> TasRequest:
    """The request with what its page shows, in one query."""
    return db.session.scalars(
        select(TasRequest)
        .where(TasRequest.id == request_id)
        .options(
            joinedload(TasRequest.child),
            joinedload(TasRequest.school),
            joinedload(TasRequest.requested_by),
            joinedload(TasRequest.agreement).joinedload(Agreement.agreed_by),
        )
    ).one()


def placed_on(row: TasRequest) -> AgendaItem | None:
    """The agenda item the request's latest acceptance made, with its meeting. A request goes
    back to triage when its meeting is cancelled or its item is taken off, and is accepted
    again onto another meeting by a new item; the older items stay (the cancelled meeting's
    agenda is kept as history), so only the newest is where the request is now."""
    return db.session.scalar(
        select(AgendaItem)
        .options(joinedload(AgendaItem.meeting))
        .where(AgendaItem.request_id == row.id)
        .order_by(AgendaItem.id.desc())
        .limit(1)
    )


def person(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def withdraw(row: TasRequest, user: User, version: int | None) -> None:
    """The requester withdraws a request still awaiting triage."""
    check_version(row, version)
    if row.status != AWAITING:
        raise Refused({"version": NOT_AWAITING})

    def write() -> None:
        row.status = "withdrawn"
        record("tas_request_withdrawn", target=row, detail={"child_id": row.child_id})

    commit(write)


def close_on_withdrawal(child_id: int) -> None:
    """The family withdrew agreement (no commit: the withdrawal commits once). Requests for the
    child still awaiting triage close, and the child leaves the agenda of every meeting that has
    not started yet (audited: the item and its reason go; nothing was minuted on it). A meeting
    already under way keeps the child, so its minutes can be finished."""
    waiting = db.session.scalars(
        select(TasRequest).where(TasRequest.child_id == child_id, TasRequest.status == AWAITING)
    )
    for row in waiting:
        row.status = "agreement_withdrawn"
        record("tas_request_closed", target=row, detail={"child_id": child_id, "why": "withdrawn"})
    to_come = db.session.scalars(
        select(AgendaItem)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(
            AgendaItem.child_id == child_id,
            Meeting.status == "scheduled",
            Meeting.starts_at > utcnow(),
        )
    )
    for item in to_come:
        request = item.request
        if request is not None and request.status == "accepted":
            request.status = "agreement_withdrawn"
        detail = {"meeting_id": item.meeting_id, "child_id": child_id, "why": "withdrawn"}
        record("agenda_item_removed", target_type="AgendaItem", target_id=item.id, detail=detail)
        db.session.delete(item)
