"""Organisers' changes to a meeting's agenda: add a child (with the family's current agreement),
put the items in order, give them time slots, and remove one before the meeting. Each change is
audited (ids and field names only) and committed once; a row changed since the page was opened
is refused as a stale edit."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import exists, func, select

from tas.audit.services import audit_view, record
from tas.children import access as children_access
from tas.children.models import Agreement, Child
from tas.core.clock import local, utcnow
from tas.core.use_cases import check_version, commit, refuse_if
from tas.core.words import clock
from tas.extensions import db
from tas.meetings.access import MeetingAccess, on_agenda_now
from tas.meetings.agenda import services as agenda
from tas.meetings.models import AgendaItem, Meeting, TasRequest
from tas.meetings.requests.access import may_triage
from tas.meetings.requests.services import waiting_for_triage
from tas.meetings.requests.triage import REQUEST_KINDS
from tas.organisations.models import User


def items(meeting: Meeting, user: User) -> list[AgendaItem]:
    """The items an organiser works with, in order (a withdrawn child's item is left out)."""
    return agenda.items_for(meeting, user, MeetingAccess.ORGANISE)


def item_on(meeting: Meeting, user: User, item_id: int) -> AgendaItem | None:
    return next((item for item in items(meeting, user) if item.id == item_id), None)


def changes_closed(meeting: Meeting) -> str | None:
    """Why the agenda can no longer be changed, if it cannot."""
    if meeting.status == "cancelled":
        return "This meeting was cancelled, so its agenda can no longer be changed"
    if meeting.status != "scheduled":
        return "This meeting has been held, so its agenda can no longer be changed"
    return None


def removal_closed(meeting: Meeting, now: datetime) -> str | None:
    """Items come off the agenda only before the meeting starts (after that, minute them)."""
    closed = changes_closed(meeting)
    if closed is None and meeting.starts_at <= now:
        return "The meeting has started, so items can no longer be removed from its agenda"
    return closed


# ---------------------------------------------------------------- time slots (pure)


def meeting_hours(meeting: Meeting) -> tuple[time, time]:
    """The meeting's start and end as London clock times."""
    return local(meeting.starts_at).time(), local(meeting.ends_at).time()


def slot_problem(slot: time | None, starts: time, ends: time) -> str | None:
    """A time slot must fall during the meeting: from its start and before its end."""
    if slot is None:
        return None
    during = starts <= slot < ends if starts < ends else (slot >= starts or slot < ends)
    if during:
        return None
    return f"Enter a time during the meeting: from {clock(starts)} and before {clock(ends)}"


# ---------------------------------------------------------------- choosing children


def children_for(meeting: Meeting, user: User) -> tuple[list[Child], list[Child], set[int]]:
    """The school's children this organiser may see: those with a current agreement (who can go
    on the agenda), those without one, and the ids already on it (one query)."""
    agreed = (
        exists()
        .where(Agreement.child_id == Child.id, Agreement.withdrawn_on.is_(None))
        .correlate(Child)
    )
    on_agenda = (
        exists()
        .where(AgendaItem.child_id == Child.id, AgendaItem.meeting_id == meeting.id)
        .correlate(Child)
    )
    rows = db.session.execute(
        select(Child, agreed, on_agenda)
        .where(
            Child.school_id == meeting.school_id,
            children_access.visible(user, children_access.Access.READ),
        )
        .order_by(Child.last_name, Child.first_name, Child.id)
    ).all()
    with_agreement = [child for child, has, _on in rows if has]
    without = [child for child, has, _on in rows if not has]
    already = {child.id for child, _has, on in rows if on}
    return with_agreement, without, already


def add(
    meeting: Meeting, user: User, child_id: int | None, reason: str, slot: time | None
) -> AgendaItem:
    """Put a child on the agenda, audited; refused with the reason when they cannot go on it.
    A request for them still waiting for triage is accepted onto this meeting with it, when
    the one adding may triage it (a link worker of the school), so it does not wait on after
    the child has been discussed (the item keeps the request, and its removal sends it back to
    triage). Anyone else leaves it to the link worker."""
    refuse_if(adding_problems(meeting, user, child_id, slot))
    child = db.session.get(Child, child_id)
    waiting = waiting_request(meeting, child_id)
    if waiting is not None and not may_triage(user, waiting):
        waiting = None

    def write() -> AgendaItem:
        item = agenda.add_child(meeting, child, reason, user, slot_starts=slot, request=waiting)
        if waiting is not None:
            waiting.status = "accepted"
            waiting.triaged_by_id, waiting.triaged_at = user.id, utcnow()
            record(
                "tas_request_triaged",
                target=waiting,
                detail={
                    "outcome": "accepted",
                    "child_id": child.id,
                    "meeting_id": meeting.id,
                    "by_adding_to_the_agenda": True,
                },
            )
        return item

    return commit(write)


def waiting_request(meeting: Meeting, child_id: int | None) -> TasRequest | None:
    """The child's oldest request to the meeting's school still waiting for triage, when the
    meeting is one requests are accepted onto (one query)."""
    if child_id is None or meeting.kind not in REQUEST_KINDS:
        return None
    return waiting_for_triage(child_id, meeting.school_id)


def adding_problems(
    meeting: Meeting, user: User, child_id: int | None, slot: time | None
) -> dict[str, str]:
    """Field -> what to put right, for this child on the meeting's agenda at this time."""
    closed = changes_closed(meeting)
    if closed:
        return {"child": closed}
    problems = {}
    problem = slot_problem(slot, *meeting_hours(meeting))
    if problem:
        problems["slot_starts"] = problem
    # A child the organiser may not see is "not on the list", whether or not they exist.
    if child_id is None or children_access.access_to(user, child_id) < children_access.Access.READ:
        return {**problems, "child": "Select a child from the list"}
    child = db.session.get(Child, child_id)
    found = agenda.agenda_problems(meeting, child)
    if found:
        problems["child"] = next(iter(found.values()))
    return problems


def move(meeting: Meeting, item: AgendaItem, user: User, version: int | None, up: bool) -> bool:
    """Swap the item with the one before (up) or after it, numbering the agenda 1, 2, 3 as it
    now stands. False when it is already first (or last)."""
    check_version(item, version)
    closed = changes_closed(meeting)
    refuse_if({"version": closed} if closed else {})
    ordered = items(meeting, user)
    at = next(index for index, row in enumerate(ordered) if row.id == item.id)
    other = at - 1 if up else at + 1
    if other < 0 or other >= len(ordered):
        return False
    ordered[at], ordered[other] = ordered[other], ordered[at]

    def write() -> bool:
        for position, row in enumerate(ordered, start=1):
            if row.position != position:  # unchanged rows keep their version
                row.position = position
        db.session.flush()  # a competing save shows here, as StaleDataError
        record(
            "agenda_item_moved",
            target=item,
            detail={"meeting_id": meeting.id, "direction": "up" if up else "down"},
        )
        return True

    return commit(write)


def set_slot(
    meeting: Meeting, item: AgendaItem, user: User, version: int | None, values: dict
) -> dict:
    """Give the item a time slot during the meeting, or none; what changed (nothing: {})."""
    check_version(item, version)
    closed = changes_closed(meeting)
    refuse_if({"slot_starts": closed} if closed else {})
    slot = values.get("slot_starts")
    problem = slot_problem(slot, *meeting_hours(meeting))
    refuse_if({"slot_starts": problem} if problem else {})
    if item.slot_starts == slot:
        return {}
    changed = {"slot_starts": [item.slot_starts, slot]}

    def write() -> dict:
        item.slot_starts = slot
        db.session.flush()
        record(
            "agenda_slot_changed",
            target=item,
            detail={"meeting_id": meeting.id, "fields": ["slot_starts"]},
        )
        return changed

    return commit(write)


def remove(meeting: Meeting, item: AgendaItem, user: User, version: int | None) -> None:
    """Take an item off the agenda before the meeting. A child who came from a TAS request goes
    back to the link worker's triage list, so the request is not lost."""
    check_version(item, version)
    closed = removal_closed(meeting, utcnow())
    refuse_if({"version": closed} if closed else {})
    request = db.session.get(TasRequest, item.request_id) if item.request_id else None
    detail = {"meeting_id": meeting.id, "child_id": item.child_id, "request_id": item.request_id}
    item_id = item.id

    def write() -> None:
        if request is not None and request.status == "accepted":
            request.status = "awaiting_triage"
            detail["request_returned_to_triage"] = True
        db.session.delete(item)
        db.session.flush()  # a competing save shows here, as StaleDataError
        record("agenda_item_removed", target_type="AgendaItem", target_id=item_id, detail=detail)

    commit(write)


def viewed(meeting: Meeting) -> None:
    """Audit an organiser's look at the agenda (which children it shows), committed before
    the page loads what it shows (a commit expires loaded rows)."""
    child_ids = db.session.scalars(
        select(AgendaItem.child_id)
        .where(
            AgendaItem.meeting_id == meeting.id,
            AgendaItem.child_id.is_not(None),
            on_agenda_now(),
        )
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    audit_view("meeting_agenda_viewed", target=meeting, detail={"child_ids": list(child_ids)})


def listed(meeting: Meeting, user: User) -> None:
    """Audit the list of the school's children shown to choose one for the agenda (how many it
    shows), committed before the list is loaded."""
    found = db.session.scalar(
        select(func.count(Child.id)).where(
            Child.school_id == meeting.school_id,
            children_access.visible(user, children_access.Access.READ),
        )
    )
    audit_view("agenda_children_listed", target=meeting, detail={"found": found})


def opened(item: AgendaItem) -> None:
    """Audit the opening of one agenda item (its child and reason), before it is shown."""
    audit_view(
        "agenda_item_opened",
        target=item,
        detail={"meeting_id": item.meeting_id, "child_id": item.child_id},
    )
