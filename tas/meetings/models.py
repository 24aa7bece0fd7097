"""TAS meetings and everything that hangs off them: term dates, series, invitations, the agenda,
attendance, minutes per child, and the schools' requests to discuss a child.

Times are stored in UTC (UTCDateTime) and shown in Europe/London (tas.core.clock.local).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tas.children.models import Agreement, Child
from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.core.markers import RecordOrigin
from tas.extensions import db
from tas.organisations.models import Agency, School, User

# Each school's default invited agencies (Future in Mind, 0-19 Service, Early Help link worker).
school_default_agencies = Table(
    "school_default_agency",
    db.metadata,
    Column("school_id", ForeignKey("school.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)


class Term(db.Model):
    """One school term of an academic year, entered by a coordinator (term dates are data)."""

    __table_args__ = (UniqueConstraint("academic_year", "name", name="uq_term_year_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(Integer, index=True)  # 2026 for 2026 to 2027
    name: Mapped[str] = mapped_column(String(20))  # autumn, spring, summer
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # The half-term holiday inside the term (school is closed), when there is one.
    half_term_starts_on: Mapped[date | None] = mapped_column(Date)
    half_term_ends_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    @property
    def school_periods(self) -> tuple[tuple[date, date], ...]:
        """The term's school days as periods: the whole term, or its two halves."""
        if self.half_term_starts_on is None or self.half_term_ends_on is None:
            return ((self.starts_on, self.ends_on),)
        before = self.half_term_starts_on - timedelta(days=1)
        after = self.half_term_ends_on + timedelta(days=1)
        return ((self.starts_on, before), (after, self.ends_on))


class MeetingSeries(db.Model):
    """A school's termly series, created from a pattern; each occurrence is an ordinary meeting."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    pattern: Mapped[str] = mapped_column(String(30))  # every_n_weeks, per_term
    settings: Mapped[dict] = mapped_column(JSON)  # the pattern's numbers, as chosen
    skipped: Mapped[list] = mapped_column(JSON, default=list)  # [{"on": iso, "reason": ...}]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SchoolRoom(db.Model):
    """A room of a school saved by its DSL or link worker, chosen when booking so most bookings
    type no place at all. Checked like a typed place when saved: it reaches calendars."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship()


def meeting_reference(meeting_id: int) -> str:
    """A meeting's reference, as calendars, email subjects and pages give it: MTG-0042."""
    return f"MTG-{meeting_id:04d}"


class Meeting(db.Model):
    """One TAS, keeping-in-touch or TAF / handover meeting at (or for) one school."""

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="tas")  # tas, keeping_in_touch, taf
    status: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    # A TAF meeting at the family's home: calendars say "venue given in the app" (issue 5).
    venue_private: Mapped[bool] = mapped_column(Boolean, default=False)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    notes_for_attendees: Mapped[str | None] = mapped_column(Text)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    # Calendar SEQUENCE: raised on every change that sends an update (tas.ical.invites).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # On the day: the chair confirms who is present and that confidentiality was read.
    present_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confidentiality_read: Mapped[bool] = mapped_column(Boolean, default=False)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # minutes complete
    # Why the minutes were completed while decisions in them were still to be recorded.
    open_decisions_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    school: Mapped[School] = relationship()
    chair: Mapped[User | None] = relationship(foreign_keys=[chair_id])
    organiser: Mapped[User] = relationship(foreign_keys=[organiser_id])

    @property
    def reference(self) -> str:
        """The meeting reference used in calendars and email subjects: MTG-0042."""
        return meeting_reference(self.id)


class MeetingChange(db.Model):
    """Booking, moving or cancelling a meeting: who, when, why, and what it was before."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # booked, moved, cancelled, changed
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    by: Mapped[User] = relationship()


class Invitation(db.Model):
    """An agency or a named person invited to a meeting, their answer, and their attendance.

    `representative_id` names who answers for the agency; without one, invitations go to the
    agency's contact address. `removed_at` keeps a removed invitation (issue 5 sends a CANCEL).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The answer: awaiting, attending, apologies, apologies_with_update.
    answer: Mapped[str] = mapped_column(String(30), default="awaiting")
    written_update: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # On the day: attended, apologies, apologies_with_update, did_not_attend.
    attendance: Mapped[str | None] = mapped_column(String(30))
    attended_by: Mapped[str | None] = mapped_column(String(300))  # who came, by name
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship()
    agency: Mapped[Agency | None] = relationship()
    representative: Mapped[User | None] = relationship(foreign_keys=[representative_id])


class UninvitedAttendee(db.Model):
    """Someone who came to a meeting without an invitation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    organisation: Mapped[str | None] = mapped_column(String(160))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class TasRequest(RecordOrigin, db.Model):
    """A school's request to discuss a child at TAS, triaged by the school's link worker."""

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    already_tried: Mapped[str] = mapped_column(Text)
    child_views: Mapped[str] = mapped_column(Text)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"))
    # awaiting_triage, accepted, advice_given, redirected_to_ifd, withdrawn
    status: Mapped[str] = mapped_column(String(30), default="awaiting_triage", index=True)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    advice: Mapped[str | None] = mapped_column(Text)
    school_told_of_ifd_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    child: Mapped[Child] = relationship()
    school: Mapped[School] = relationship(foreign_keys=[school_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    agreement: Mapped[Agreement | None] = relationship()


class AgendaItem(RecordOrigin, db.Model):
    """One child (or one anonymous consultation) on a meeting's agenda, with its minutes.

    An anonymous consultation has no child and holds no identifying data: only a short
    description of the situation, to get advice before any agreement.
    """

    # A child is on a meeting's agenda once (consultations have no child: NULLs never clash).
    __table_args__ = (
        UniqueConstraint("meeting_id", "child_id", name="uq_agenda_item_meeting_child"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int | None] = mapped_column(
        ForeignKey("child.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(ForeignKey("tas_request.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    slot_starts: Mapped[time | None] = mapped_column(Time)  # optional time slot, local time
    reason: Mapped[str] = mapped_column(Text)  # reason for discussion / the situation
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Minutes in three parts, then a decision.
    worries: Mapped[str | None] = mapped_column(Text)
    working_well: Mapped[str | None] = mapped_column(Text)
    needs_to_happen: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)
    # The parent or carer's and the child's part: attended, contributed, did_not_take_part.
    parent_part: Mapped[str | None] = mapped_column(String(30))
    parent_part_how: Mapped[str | None] = mapped_column(String(300))
    child_part: Mapped[str | None] = mapped_column(String(30))
    child_part_how: Mapped[str | None] = mapped_column(String(300))
    # The child's and the family's own words at the meeting (shown on the shared plan).
    child_says: Mapped[str | None] = mapped_column(Text)
    family_says: Mapped[str | None] = mapped_column(Text)
    minuted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    minuted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship()
    child: Mapped[Child | None] = relationship()
    request: Mapped[TasRequest | None] = relationship()

    @property
    def anonymous(self) -> bool:
        return self.child_id is None
