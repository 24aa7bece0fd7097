"""The questions a booking asks, shared by the forms that book, move and plan meetings.

WTForms orders a form's fields (and so its error summary) by when each was made, so they are
made here once, in the order the pages ask them, whichever form class uses them.
"""

from __future__ import annotations

from datetime import date, timedelta

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovTextInput
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import Length

from tas.core.clock import today
from tas.core.fields import GovDateField, choice, select, stripped, text_area
from tas.meetings import rules
from tas.meetings.models import SchoolRoom
from tas.organisations.models import User

MOST_YEARS_AHEAD = 2


def latest_day() -> date:
    """The last day a meeting can be booked for: two years ahead."""
    return today() + timedelta(days=366 * MOST_YEARS_AHEAD)


def time_field(label: str) -> StringField:
    return StringField(
        label,
        description="Use the 24-hour clock, like 09:30 or 14:00",
        widget=GovTextInput(),
        filters=[stripped],
    )


def fold_field(label: str) -> RadioField:
    """Which of a time the clocks repeat is meant: shown only when it is needed."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=[SelectChoice("0", "The first time"), SelectChoice("1", "The second time")],
        validate_choice=False,
    )


def chair_label(person: User) -> str:
    if person.role == "dsl" and person.school is not None:
        return f"{person.name}, DSL at {person.school.name}"
    return f"{person.name}, {person.role_label.lower()}"


SCHOOL = select("School", missing="Select the school the meeting is for")
KIND = choice("Type of meeting", rules.MEETING_KINDS, "Select the type of meeting")
MEETING_DATE = GovDateField(
    "Date", missing="Enter the date of the meeting", description="For example, 2 12 2026"
)
STARTS = time_field("Start time")
START_FOLD = fold_field("Which start time do you mean?")
ENDS = time_field("End time")
END_FOLD = fold_field("Which end time do you mean?")
ROOM = select("Saved room")
LOCATION = StringField(
    "Location",
    description="If the room is not saved, type where the meeting is. Leave blank if the meeting "
    "is only online. Invitations and calendars show it: never a child's name or details",
    widget=GovTextInput(),
    filters=[stripped],
    validators=[Length(max=300, message="The location must be 300 characters or fewer")],
)
ONLINE_LINK = StringField(
    "Online meeting link",
    description="The full link to join, starting with https://. Leave blank if everyone meets "
    "in person",
    widget=GovTextInput(),
    filters=[stripped],
    validators=[Length(max=500, message="The online meeting link must be 500 characters or fewer")],
)
VENUE_PRIVATE = BooleanField(
    "The venue is the family's home",
    description="TAF / handover meetings only: invitations and calendars will say the venue is "
    "given in this service, and only the organisers and the agencies involved with the child "
    "see the address",
    widget=GovCheckboxInput(),
)
CHAIR = select("Chair", missing="Select who will chair the meeting")
NOTES = text_area(
    "Notes for attendees (optional)",
    longest=2000,
    description="Shown on the meeting's page to everyone invited: invitations say there are notes "
    "and link here. Do not write children's names or details",
)
BOTH_PLACES = "Choose a saved room or type where the meeting is, not both"
ROOM_OF_ANOTHER_SCHOOL = "Select a saved room of the school the meeting is for"


def saved_room(location: str | None, rooms: list[SchoolRoom]) -> SchoolRoom | None:
    """The saved room a meeting's place is, if it is one."""
    return next((room for room in rooms if room.name == location), None)
