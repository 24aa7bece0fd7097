"""Coordinators' export: every meeting of a school, a cluster or the district in a date range, as
one .ics file and as a CSV spreadsheet. Arrangements only (what a coordinator may see): the
agenda is never read, so no child's details can be in either file. The .ics file is published
(METHOD:PUBLISH): no ATTENDEE (RFC 5546 3.2.1); the spreadsheet counts who was invited."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view
from tas.core.choices import label
from tas.core.clock import LONDON, local
from tas.extensions import db
from tas.ical import facts as calendar_facts
from tas.ical.build import calendar, meeting_event, published, to_bytes
from tas.ical.forms import ExportForm
from tas.meetings import access, rules
from tas.meetings.access import MeetingAccess
from tas.meetings.models import Invitation, Meeting
from tas.organisations.models import School

CSV_COLUMNS = (
    "Reference",
    "Type",
    "School",
    "Status",
    "Date",
    "Starts",
    "Ends",
    "Place",
    "Online link",
    "Chair",
    "Organiser",
    "Invited",
    "Attended",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def meetings_for(form: ExportForm) -> list[Meeting]:
    """The coordinator's meetings in the range, through the one access check (one query)."""
    start = datetime.combine(form.starts_on.data, time(0), tzinfo=LONDON)
    end = datetime.combine(form.ends_on.data + timedelta(days=1), time(0), tzinfo=LONDON)
    query = (
        select(Meeting)
        .options(
            joinedload(Meeting.school), joinedload(Meeting.chair), joinedload(Meeting.organiser)
        )
        .where(
            access.visible(current_user, MeetingAccess.ARRANGEMENTS),
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if form.school.data:
        query = query.where(Meeting.school_id == int(form.school.data))
    if form.cluster.data:
        query = query.where(
            Meeting.school_id.in_(
                select(School.id).where(School.cluster_id == int(form.cluster.data))
            )
        )
    return list(db.session.scalars(query))


def _invitations(meetings: list[Meeting]) -> dict[int, list[Invitation]]:
    """Every standing invitation of these meetings, with its people (one query)."""
    found: dict[int, list[Invitation]] = {meeting.id: [] for meeting in meetings}
    if not meetings:
        return found
    for invitation in db.session.scalars(
        select(Invitation)
        .options(joinedload(Invitation.agency), joinedload(Invitation.representative))
        .where(Invitation.meeting_id.in_(found), Invitation.removed_at.is_(None))
        .order_by(Invitation.id)
    ):
        found[invitation.meeting_id].append(invitation)
    return found


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv(meetings: list[Meeting], invitations: dict[int, list[Invitation]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for meeting in meetings:
        starts, ends = local(meeting.starts_at), local(meeting.ends_at)
        invited = invitations[meeting.id]
        row = (
            meeting.reference,
            label(rules.MEETING_KINDS, meeting.kind),
            meeting.school.name,
            label(rules.MEETING_STATUSES, meeting.status),
            starts.date().isoformat(),
            starts.strftime("%H:%M"),
            ends.strftime("%H:%M"),
            calendar_facts.location(meeting),
            meeting.online_link or "",
            meeting.chair.name if meeting.chair else "",
            meeting.organiser.name if meeting.organiser else "",
            len(invited),
            sum(1 for invitation in invited if invitation.attendance == "attended"),
        )
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def _filename(form: ExportForm, extension: str) -> str:
    first: date = form.starts_on.data
    last: date = form.ends_on.data
    return f"tas-meetings-{first.isoformat()}-to-{last.isoformat()}.{extension}"


def export_file(form: ExportForm) -> tuple[bytes, str, str]:
    """The meetings the form asks for as a calendar (.ics) or a spreadsheet (.csv): the file,
    its content type and its name. Audited once the file is made (a commit expires every
    loaded row)."""
    meetings = meetings_for(form)
    invitations = _invitations(meetings)
    if form.ics.data:
        events = [
            meeting_event(published(calendar_facts.facts(meeting, invitations[meeting.id])))
            for meeting in meetings
        ]
        body = to_bytes(calendar(events, method="PUBLISH", name="TAS meetings"))
        mimetype, name = "text/calendar; charset=utf-8", _filename(form, "ics")
    else:
        body = ("\ufeff" + _csv(meetings, invitations)).encode()
        mimetype, name = "text/csv; charset=utf-8", _filename(form, "csv")
    audit_view(
        "meetings_exported",
        detail={
            "format": "ics" if form.ics.data else "csv",
            "meeting_ids": [meeting.id for meeting in meetings],
        },
    )
    return body, mimetype, name
