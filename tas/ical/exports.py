"""Coordinators' export: every meeting of a school, a cluster or the district in a date range, as
one .ics file and as a CSV spreadsheet. Arrangements only (what a coordinator may see): the
agenda is never read, so no child's details can be in either file. The .ics file is published
(METHOD:PUBLISH): no ATTENDEE (RFC 5546 3.2.1); the spreadsheet counts who was invited."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from flask_login import current_user
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from tas.audit.services import audit_view
from tas.core.choices import label
from tas.core.clock import LONDON, local, utcnow
from tas.extensions import db
from tas.ical import facts as calendar_facts
from tas.ical.build import CALENDAR_END, calendar, event_text, to_bytes
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


# Rows are read from the database this many at a time while the file is written, so a
# region's year costs the memory of a batch, not of every meeting.
BATCH = 500


def _chosen(form: ExportForm) -> list[ColumnElement[bool]]:
    """The coordinator's meetings in the range, through the one access check."""
    start = datetime.combine(form.starts_on.data, time(0), tzinfo=LONDON)
    end = datetime.combine(form.ends_on.data + timedelta(days=1), time(0), tzinfo=LONDON)
    conditions = [
        access.visible(current_user, MeetingAccess.ARRANGEMENTS),
        Meeting.starts_at >= start,
        Meeting.starts_at < end,
    ]
    if form.school.data:
        conditions.append(Meeting.school_id == int(form.school.data))
    if form.cluster.data:
        conditions.append(
            Meeting.school_id.in_(
                select(School.id).where(School.cluster_id == int(form.cluster.data))
            )
        )
    return conditions


def meeting_ids(chosen: list[ColumnElement[bool]]) -> list[int]:
    """The ids of the meetings the export holds, in its order (for the audit log)."""
    return list(
        db.session.scalars(
            select(Meeting.id).where(*chosen).order_by(Meeting.starts_at, Meeting.id)
        )
    )


def _counted(chosen: list[ColumnElement[bool]]):
    """How many were invited to each chosen meeting and how many attended: one GROUP BY over
    the chosen meetings' standing invitations."""
    return (
        select(
            Invitation.meeting_id,
            func.count(Invitation.id).label("invited"),
            func.count(Invitation.id).filter(Invitation.attendance == "attended").label("attended"),
        )
        .where(
            Invitation.removed_at.is_(None),
            Invitation.meeting_id.in_(select(Meeting.id).where(*chosen)),
        )
        .group_by(Invitation.meeting_id)
        .subquery()
    )


def meetings_with_counts(chosen: list[ColumnElement[bool]]) -> Iterator[tuple[Meeting, int, int]]:
    """Each chosen meeting, with its school and people, and its two counts, in date order:
    one query, read a batch at a time."""
    counted = _counted(chosen)
    query = (
        select(
            Meeting,
            func.coalesce(counted.c.invited, 0),
            func.coalesce(counted.c.attended, 0),
        )
        .outerjoin(counted, counted.c.meeting_id == Meeting.id)
        .options(
            joinedload(Meeting.school), joinedload(Meeting.chair), joinedload(Meeting.organiser)
        )
        .where(*chosen)
        .order_by(Meeting.starts_at, Meeting.id)
        .execution_options(yield_per=BATCH)
    )
    for meeting, invited, attended in db.session.execute(query):
        yield meeting, int(invited), int(attended)


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_lines(chosen: list[ColumnElement[bool]]) -> Iterator[str]:
    """The spreadsheet, a line at a time (with the byte order mark spreadsheets need to read
    UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([safe_cell(cell) for cell in cells])
        return out.getvalue()

    now = utcnow()
    yield "\ufeff" + line(CSV_COLUMNS)
    for meeting, invited, attended in meetings_with_counts(chosen):
        starts, ends = local(meeting.starts_at), local(meeting.ends_at)
        yield line(
            (
                meeting.reference,
                label(rules.MEETING_KINDS, meeting.kind),
                meeting.school.name,
                rules.shown_status(meeting.status, meeting.ends_at, now).label,
                starts.date().isoformat(),
                starts.strftime("%H:%M"),
                ends.strftime("%H:%M"),
                calendar_facts.location(meeting),
                meeting.online_link or "",
                meeting.chair.name if meeting.chair else "",
                meeting.organiser.name if meeting.organiser else "",
                invited,
                attended,
            )
        )


def ics_parts(chosen: list[ColumnElement[bool]]) -> Iterator[bytes]:
    """The calendar, an event at a time: the calendar's opening (with the Europe/London time
    zone), each meeting's VEVENT text (kept once built: `event_text`), then its end. Published:
    no attendees, so no invitation is read; each DTSTAMP is stored, as in the feed."""
    head = to_bytes(calendar([], method="PUBLISH", name="TAS meetings", with_london=True))
    opening, closing = head.removesuffix(CALENDAR_END), CALENDAR_END
    yield opening
    for meeting, _invited, _attended in meetings_with_counts(chosen):
        yield event_text(calendar_facts.published_facts(meeting))
    yield closing


def _filename(form: ExportForm, extension: str) -> str:
    first: date = form.starts_on.data
    last: date = form.ends_on.data
    return f"tas-meetings-{first.isoformat()}-to-{last.isoformat()}.{extension}"


def export_file(form: ExportForm) -> tuple[Iterator[bytes] | Iterator[str], str, str]:
    """The meetings the form asks for as a calendar (.ics) or a spreadsheet (.csv): the file's
    parts, to stream, its content type and its name. Audited before the first byte goes, with
    every meeting's id. The conditions are made now, from the signed-in person: the parts are
    written after the view has returned."""
    chosen = _chosen(form)
    audit_view(
        "meetings_exported",
        detail={"format": "ics" if form.ics.data else "csv", "meeting_ids": meeting_ids(chosen)},
    )
    if form.ics.data:
        return ics_parts(chosen), "text/calendar; charset=utf-8", _filename(form, "ics")
    return csv_lines(chosen), "text/csv; charset=utf-8", _filename(form, "csv")
