"""Forms for the agenda: add a child with the reason for discussion, and an item's time slot."""

from __future__ import annotations

import re
from datetime import time

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import SelectChoice, StringField, SubmitField

from tas.core.fields import options, select, text_area
from tas.core.forms import RecordForm
from tas.core.words import local_date
from tas.meetings.models import AgendaItem

TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
SLOT_FORMAT = "Enter the time slot on the 24-hour clock, like 09:30"


class SlotField(StringField):
    """An optional time of day typed as HH:MM (09:30, or 9.30); blank means no time slot."""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        typed = str(valuelist[0]).strip() if valuelist else ""
        self.data = None
        if not typed:
            return
        match = TIME.match(typed)
        if match is None:
            raise ValueError(SLOT_FORMAT)
        self.data = time(int(match.group(1)), int(match.group(2)))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""


def slot_field() -> SlotField:
    return SlotField("Time slot (optional)")


class AgendaAddForm(RecordForm):
    """A child of the school, with a current agreement, and why they are to be discussed."""

    # Not limited to the listed children: a child without an agreement is refused with the
    # explanation of what to do instead, not "choose from the list".
    child = select("Child", validate_choice=False)
    reason = text_area(
        "Reason for discussion",
        longest=2000,
        missing="Enter the reason for discussion",
        description="What the school and agencies are worried about, and what you want from "
        "the discussion",
    )
    slot_starts = slot_field()
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.child.data or "").strip():
            self.child.errors = ["Select a child from the list"]
            valid = False
        return valid

    def offer(self, children) -> None:
        """The children to choose from: the school's, with a current agreement, not yet on it."""
        self.child.choices = [
            *options([], "Select a child"),
            *(
                SelectChoice(
                    str(child.id),
                    f"{child.full_name}, born {local_date(child.date_of_birth)}",
                )
                for child in children
            ),
        ]

    def values(self) -> dict:
        return {
            "child": self.child.data,
            "reason": self.reason.data,
            "slot_starts": self.slot_starts.data,
        }


class SlotForm(RecordForm):
    """An agenda item's time slot."""

    slot_starts = slot_field()
    submit = SubmitField("Save the time slot", widget=GovSubmitInput())

    @staticmethod
    def data_from(item: AgendaItem) -> dict:
        return {"slot_starts": item.slot_starts, "version": item.version}

    def values(self) -> dict:
        return {"slot_starts": self.slot_starts.data}
