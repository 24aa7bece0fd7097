"""The form for saving a school's room."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from tas.core.choices import record_id
from tas.core.fields import options, select
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.organisations.forms import name_field
from tas.organisations.models import School


class RoomForm(SentOnce, RecordForm):
    school = select("School", missing="Select the school the room is at")
    name = name_field("Room", "Enter the room's name, like Meeting room 2", 300)
    submit = SubmitField("Save the room", widget=GovSubmitInput())

    def __init__(self, *args, schools: list[School] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.school.choices = options(schools, "Select a school")

    def values(self) -> dict:
        return {"school_id": record_id(self.school.data), "name": self.name.data}
