"""The link worker's triage of a TAS request, once: onto a meeting's agenda (in the same
transaction), advice given and closed, or the school told to go to the Integrated Front Door. Who
may triage is decided in tas.meetings.access only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import record
from tas.core.choices import Choice
from tas.core.clock import local, today, utcnow
from tas.core.use_cases import Refused, check_version, commit
from tas.core.words import long_date
from tas.extensions import db
from tas.meetings.agenda import services as agenda
from tas.meetings.models import AgendaItem, Meeting, TasRequest
from tas.meetings.requests.access import requests_visible
from tas.meetings.requests.services import AWAITING, to_triage
from tas.organisations.models import User

MOST_MEETINGS = 60  # meetings offered in a choice: the next two terms or so
# A request goes to a TAS meeting or a low-demand primary's keeping-in-touch session, never to
# a family's TAF / handover meeting (about one family, maybe at its home: docs/glossary.md).
REQUEST_KINDS = ("tas", "keeping_in_touch")
TRIAGE_OUTCOMES = (
    Choice("accepted", "Accept onto a meeting's agenda"),
    Choice("advice_given", "Give advice and close the request"),
    Choice("redirected_to_ifd", "Redirect to the Integrated Front Door (IFD)"),
)
ALREADY_TRIAGED = "This request has already been triaged or withdrawn, so it cannot be triaged"
ALREADY_ON_THIS = (
    "The child is already on the agenda of this meeting: choose another meeting, or give advice"
)


def upcoming_meetings(school_ids, kinds: tuple[str, ...] | None = None) -> list[Meeting]:
    """Scheduled meetings still to come at these schools (ids or a SELECT of ids), of these
    kinds when given, soonest first, with their schools, in one query."""
    query = (
        select(Meeting)
        .options(joinedload(Meeting.school))
        .where(
            Meeting.school_id.in_(school_ids),
            Meeting.status == "scheduled",
            Meeting.starts_at > utcnow(),
        )
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(MOST_MEETINGS)
    )
    if kinds is not None:
        query = query.where(Meeting.kind.in_(kinds))
    return list(db.session.scalars(query))


def already_on(child_id: int, meetings: list[Meeting]) -> list[Meeting]:
    """Which of these meetings the child is on the agenda of already (one query)."""
    ids = [meeting.id for meeting in meetings]
    if not ids:
        return []
    on = set(
        db.session.scalars(
            select(AgendaItem.meeting_id).where(
                AgendaItem.child_id == child_id, AgendaItem.meeting_id.in_(ids)
            )
        )
    )
    return [meeting for meeting in meetings if meeting.id in on]


def next_to_triage(user: User, after: TasRequest) -> int | None:
    """The next request this link worker should triage, oldest first, if any."""
    if user.role != "link_worker":
        return None
    return db.session.scalar(
        select(TasRequest.id)
        .where(requests_visible(user), to_triage(user), TasRequest.id != after.id)
        .order_by(TasRequest.requested_at, TasRequest.id)
        .limit(1)
    )


def _future_meeting(row: TasRequest, meeting_id: int | None) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    if (
        meeting is None
        or meeting.school_id != row.school_id
        or meeting.kind not in REQUEST_KINDS
        or meeting.status != "scheduled"
        or meeting.starts_at <= utcnow()
    ):
        raise Refused({"meeting": "Select the meeting from the list"})
    return meeting


def _triage_problems(row: TasRequest, values: dict) -> dict[str, str]:
    told_on = values.get("told_on")
    if values["outcome"] == "redirected_to_ifd" and told_on is not None:
        if told_on > today():
            return {"told_on": "The date the school was told must be today or in the past"}
        made_on = local(row.requested_at).date()
        if told_on < made_on:
            return {
                "told_on": "The date the school was told must be on or after the day the request "
                f"was made, {long_date(made_on)}"
            }
    return {}


def triage(row: TasRequest, user: User, version: int | None, values: dict) -> AgendaItem | None:
    """Triage the request once: accept it onto a meeting's agenda (in the same transaction),
    record advice and close it, or record that the school was told to go to the IFD. Refused
    when it was triaged or withdrawn meanwhile; StaleEdit when someone saved it first."""
    check_version(row, version)
    if row.status != AWAITING:
        raise Refused({"outcome": ALREADY_TRIAGED})
    outcome = values["outcome"]
    problems = _triage_problems(row, values)
    if problems:
        raise Refused(problems)

    def write() -> AgendaItem | None:
        item = None
        detail: dict = {"outcome": outcome, "child_id": row.child_id}
        if outcome == "accepted":
            meeting = _future_meeting(row, values.get("meeting_id"))
            try:
                item = agenda.add_child(meeting, row.child, row.reason, user, request=row)
            except Refused as refused:
                raise Refused(
                    {
                        ("meeting" if name == "meeting" else "outcome"): message
                        for name, message in refused.problems.items()
                        if message != agenda.ALREADY_ON_AGENDA
                    }
                    or {"meeting": ALREADY_ON_THIS}
                ) from refused
            detail["meeting_id"] = meeting.id
        elif outcome == "advice_given":
            row.advice = values["advice"]
            detail["fields"] = ["advice"]
        else:
            row.school_told_of_ifd_on = values["told_on"]
            detail["fields"] = ["school_told_of_ifd_on"]
        row.status = outcome
        row.triaged_by_id = user.id
        row.triaged_at = utcnow()
        record("tas_request_triaged", target=row, detail=detail)
        return item

    try:
        return commit(write)
    except Refused:
        db.session.rollback()  # nothing half-made stays in the session
        raise
