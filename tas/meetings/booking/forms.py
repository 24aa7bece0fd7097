"""Forms for booking, moving and cancelling a meeting.

Times are typed as local (Europe/London) 24-hour clock times; the form turns the date and times
into UTC moments (`starts_at`, `ends_at`) through tas.core.times, refusing a time the clocks
skip and asking which one is meant when the clocks repeat it.
"""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSubmitInput,
)
from wtforms import BooleanField, SelectChoice, SubmitField

from tas.core import times, words
from tas.core.choices import record_id
from tas.core.clock import LONDON, today, utcnow
from tas.core.editing import Difference, shown
from tas.core.fields import options, text_area
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.core.words import long_date
from tas.meetings import rules
from tas.meetings.booking.questions import (
    BOTH_PLACES,
    CHAIR,
    END_FOLD,
    ENDS,
    KIND,
    LOCATION,
    MEETING_DATE,
    MOST_YEARS_AHEAD,
    NOTES,
    ONLINE_LINK,
    ROOM,
    ROOM_OF_ANOTHER_SCHOOL,
    SCHOOL,
    START_FOLD,
    STARTS,
    VENUE_PRIVATE,
    chair_label,
    latest_day,
    saved_room,
)
from tas.meetings.models import Meeting, SchoolRoom
from tas.organisations.models import School

COMPARED = (
    "meeting_date",
    "starts",
    "ends",
    "room",
    "location",
    "online_link",
    "venue_private",
    "chair",
    "notes_for_attendees",
)


class CommonArrangements(RecordForm):
    """The start and end times, place, chair and notes every meeting of a booking shares."""

    starts = STARTS
    ends = ENDS
    room = ROOM
    location = LOCATION
    online_link = ONLINE_LINK
    chair = CHAIR
    notes_for_attendees = NOTES

    def show_too(self, problems: dict[str, str]) -> None:
        # A saved room refused is the place chosen: nothing more to say of the location.
        if self.room.errors:
            problems = {name: text for name, text in problems.items() if name != "location"}
        super().show_too(problems)

    def __init__(self, *args, chairs=(), rooms: list[SchoolRoom] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.chair.choices = [
            *options([], "Select a chair"),
            *(SelectChoice(str(person.id), chair_label(person)) for person in chairs),
        ]
        self.rooms = {str(room.id): room for room in rooms}
        several = len({room.school_id for room in rooms}) > 1
        self.room.choices = [
            SelectChoice("", "Not a saved room: type the place below"),
            *(
                SelectChoice(
                    str(room.id), f"{room.name}, {room.school.name}" if several else room.name
                )
                for room in rooms
            ),
        ]

    def show(self, problems: dict[str, str]) -> None:
        """A saved room's name refused as a place is the room's problem, not the empty box's."""
        about_the_place = problems.get("location", "").startswith("The location")
        if self.rooms.get(self.room.data or "") is not None and about_the_place:
            problems = dict(problems)
            words = problems.pop("location").replace("The location", "The saved room's name", 1)
            problems["room"] = f"{words}. Rename or remove the room on the saved rooms page"
        super().show(problems)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.room.data and self.location.data and not self.location.errors:
            self.location.errors = [BOTH_PLACES]
        school = self["school"].data if "school" in self else None
        chosen = self.rooms.get(self.room.data or "")
        if chosen is not None and school and str(chosen.school_id) != school:
            self.room.errors = [ROOM_OF_ANOTHER_SCHOOL]
        return valid and not self.location.errors and not self.room.errors

    @staticmethod
    def _clock(field, missing: str):
        """The time typed, or None with the problem beside the field."""
        if field.errors:
            return None
        if not field.data:
            field.errors = [missing]
            return None
        found = times.parse_clock(field.data)
        if found is None:
            field.errors = [
                f"Enter the {field.label.text.lower()} using the 24-hour clock, like 09:30"
            ]
        return found

    def clocks(self):
        """The start and end times typed (None where there is a problem, shown by the field)."""
        return (
            self._clock(self.starts, "Enter the start time"),
            self._clock(self.ends, "Enter the end time"),
        )

    def place_values(self) -> dict:
        """The place as the meeting keeps it: a saved room's name, or what was typed."""
        chosen = self.rooms.get(self.room.data or "")
        return {
            "location": chosen.name if chosen else self.location.data or None,
            "online_link": self.online_link.data or None,
            "chair_id": record_id(self.chair.data),
            "notes_for_attendees": self.notes_for_attendees.data or None,
        }


class ArrangementsForm(CommonArrangements):
    """One meeting's arrangements: its date, and times turned into UTC moments."""

    meeting_date = MEETING_DATE
    start_fold = START_FOLD
    end_fold = END_FOLD
    venue_private = VENUE_PRIVATE

    def __init__(self, *args, not_before: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_before = not_before
        self.starts_at = self.ends_at = None
        self.start_fold.readings = self.end_fold.readings = ()
        # A saved meeting at a time the clocks repeat: offer the choice it was saved with.
        day = self.meeting_date.data if isinstance(self.meeting_date.data, date) else None
        if day is not None:
            self._offer(day, times.parse_clock(self.starts.data), self.start_fold)
            self._offer(day, times.parse_clock(self.ends.data), self.end_fold)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        day = self.meeting_date.data
        begins, finishes = self.clocks()
        if day is None or self.meeting_date.errors:
            return False
        self._check_date(day)
        starts_at = self._moment(day, begins, self.starts, self.start_fold)
        ends_at = self._moment(day, finishes, self.ends, self.end_fold)
        if starts_at and ends_at and ends_at <= starts_at:
            self.ends.errors = ["The end time must be after the start time"]
        self.starts_at, self.ends_at = starts_at, ends_at
        return valid and not any(field.errors for field in self)

    def _check_date(self, day: date) -> None:
        now = today()
        earliest = min(self.not_before or now, now)
        if day < earliest:
            self.meeting_date.errors = ["The date of the meeting must be today or in the future"]
        elif day > latest_day():
            self.meeting_date.errors = [
                f"The date of the meeting must be within the next {MOST_YEARS_AHEAD} years"
            ]

    @staticmethod
    def _offer(day, clock, fold_field):
        """Ask which time is meant when the clocks repeat it that day."""
        fold_field.readings = ()
        both = times.readings(day, clock, LONDON) if clock is not None else None
        if both is not None:
            fold_field.readings = both
            fold_field.label.text = f"Which {words.clock(clock)} do you mean?"
            fold_field.choices = [SelectChoice(str(r.fold), r.label) for r in both]

    def _moment(self, day, clock, field, fold_field):
        """The UTC moment of the local time, or None with the problem beside the field."""
        self._offer(day, clock, fold_field)
        if clock is None:
            return None
        fold = int(fold_field.data) if fold_field.data in ("0", "1") else None
        try:
            return times.to_utc(day, clock, LONDON, fold)
        except times.AmbiguousTime as asked:
            fold_field.errors = [asked.message]
        except times.MissingTime as refused:
            field.errors = [refused.message]
        return None

    def arrangement_values(self) -> dict:
        return {
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            **self.place_values(),
            "venue_private": bool(self.venue_private.data),
        }


class BookingForm(SentOnce, ArrangementsForm):
    school = SCHOOL
    kind = KIND
    book_anyway = BooleanField("Book it anyway", widget=GovCheckboxInput())
    book_on_closed_day = BooleanField("Book it on this day anyway", widget=GovCheckboxInput())
    submit = SubmitField("Book the meeting", widget=GovSubmitInput())

    def __init__(self, *args, schools: list[School] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.school.choices = options(schools, "Select a school")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # A new meeting today starts later than now: 08:00 typed at 7pm is a slip, and the
        # meeting would be waiting for its minutes as soon as it was booked.
        started = self.starts_at is not None and rules.started_by(self.starts_at, utcnow())
        if started and self.meeting_date.data == today() and not self.starts.errors:
            self.starts.errors = [rules.STARTED_ALREADY]
            return False
        return valid

    def values(self) -> dict:
        return {
            "school_id": record_id(self.school.data),
            "kind": self.kind.data,
            **self.arrangement_values(),
        }


class MoveForm(ArrangementsForm):
    reason = text_area(
        "Why is the meeting being moved or changed?",
        longest=2000,
        called="The reason for the change",
        missing="Enter why the meeting is being moved or changed",
        description="Everyone who can see the meeting will see this reason",
    )
    move_anyway = BooleanField("Move it anyway", widget=GovCheckboxInput())
    move_on_closed_day = BooleanField("Move it to this day anyway", widget=GovCheckboxInput())
    move_to_past = BooleanField("Move it to this time anyway", widget=GovCheckboxInput())
    clear_slots = BooleanField("Move it and clear those time slots", widget=GovCheckboxInput())
    submit = SubmitField("Save the changes", widget=GovSubmitInput())

    @staticmethod
    def data_from(meeting: Meeting, rooms: list[SchoolRoom] = ()) -> dict:
        day, starts, start_fold = times.local_parts(meeting.starts_at, LONDON)
        _day, ends, end_fold = times.local_parts(meeting.ends_at, LONDON)
        saved = None if meeting.venue_private else saved_room(meeting.location, rooms)
        return {
            "meeting_date": day,
            "starts": starts,
            "start_fold": str(start_fold),
            "ends": ends,
            "end_fold": str(end_fold),
            "room": str(saved.id) if saved else "",
            "location": "" if saved else meeting.location or "",
            "online_link": meeting.online_link or "",
            "venue_private": meeting.venue_private,
            "chair": str(meeting.chair_id or ""),
            "notes_for_attendees": meeting.notes_for_attendees or "",
            "version": meeting.version,
        }

    def values(self) -> dict:
        return {**self.arrangement_values(), "reason": self.reason.data}


class CancelForm(RecordForm):
    reason = text_area(
        "Why is the meeting cancelled?",
        longest=2000,
        called="The reason for cancelling",
        missing="Enter why the meeting is cancelled",
        description="Everyone who can see the meeting will see this reason",
    )
    submit = SubmitField("Cancel the meeting", widget=GovSubmitInput())

    @staticmethod
    def data_from(meeting: Meeting) -> dict:
        return {"version": meeting.version}

    def values(self) -> dict:
        return {"reason": self.reason.data}


def _shown(field) -> str:
    if isinstance(field.data, date):
        return long_date(field.data)
    return shown(field)


def compared(yours: ArrangementsForm, saved: ArrangementsForm) -> list[Difference]:
    """The arrangements as typed beside the arrangements saved now."""
    return [
        Difference(yours[name].label.text, _shown(yours[name]), _shown(saved[name]))
        for name in COMPARED
    ]
