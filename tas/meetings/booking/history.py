"""A meeting's history in words: each booking, move, change and cancellation, who made it, when
and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tas.core import words
from tas.core.choices import label
from tas.extensions import db
from tas.meetings.booking.services import CHANGE_KINDS
from tas.meetings.models import Meeting, MeetingChange


@dataclass(frozen=True)
class HistoryEntry:
    """One booking, move, change or cancellation, in words."""

    kind: str
    label: str
    at: datetime
    by: str
    reason: str | None
    lines: list[str] = field(default_factory=list)


def meeting_when(meeting: Meeting) -> str:
    """The meeting's date and times as people in England read them (the agenda and invitation
    pages say it alike)."""
    return words.meeting_when(meeting.starts_at, meeting.ends_at)


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def described(change: MeetingChange) -> list[str]:
    """What a move or change did, in words."""
    before, after = change.before or {}, change.after or {}
    lines = []
    if {"starts_at", "ends_at"} & after.keys():
        old = [_iso(before.get(n)) for n in ("starts_at", "ends_at")]
        new = [_iso(after.get(n)) for n in ("starts_at", "ends_at")]
        if all(old) and all(new):
            lines.append(f"Date and time: {words.meeting_when(*old)} → {words.meeting_when(*new)}")
        else:
            lines.append("Date and time changed")
    for name, what in (("location", "Place"), ("online_link", "Online link"), ("chair", "Chair")):
        if name in after:
            lines.append(f"{what}: {before.get(name) or 'none'} → {after[name] or 'none'}")
    if "venue_private" in after:
        lines.append("At the family's home: " + ("yes" if after["venue_private"] else "no"))
    if after.get("notes_changed"):
        lines.append("Notes for attendees changed")
    if after.get("slots_cleared"):
        cleared = words.spoken_clocks([time.fromisoformat(t) for t in after["slots_cleared"]])
        lines.append(f"Agenda time slots outside the new times cleared: {cleared}")
    return lines


def history(meeting: Meeting) -> list[HistoryEntry]:
    """Every booking, move, change and cancellation of the meeting, oldest first (one query)."""
    changes = db.session.scalars(
        select(MeetingChange)
        .options(joinedload(MeetingChange.by))
        .where(MeetingChange.meeting_id == meeting.id)
        .order_by(MeetingChange.at, MeetingChange.id)
    )
    return [
        HistoryEntry(
            change.kind,
            label(CHANGE_KINDS, change.kind),
            change.at,
            change.by.name,
            change.reason,
            described(change) if change.kind in ("moved", "changed") else [],
        )
        for change in changes
    ]
