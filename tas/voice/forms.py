"""Forms for the voice of the child: recording what a child said or showed, and a concern's
response."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from tas.core.choices import Choice
from tas.core.fields import GovDateField, choice, optional_text, stripped, text_area, too_long
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.plans.fields import marker_values, markers_field
from tas.voice import rules

YES_NO = (Choice("yes", "Yes"), Choice("no", "No"))


class VoiceForm(SentOnce, RecordForm):
    """What the child said or showed, in their own words."""

    heard_on = GovDateField(
        "Date the child was heard",
        missing="Enter the date the child was heard",
        description="For example, 27 3 2026",
    )
    setting = choice(
        "Where the child was heard", rules.SETTINGS, "Select where the child was heard"
    )
    setting_detail = optional_text(
        "Where, if other (optional)",
        200,
        description="For example, the youth club",
        called="The place the child was heard",
    )
    captured_by = StringField(
        "Who heard the child",
        description="Their name and role",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[
            DataRequired("Enter who heard the child"),
            too_long("Who heard the child", 200),
        ],
    )
    heard_how = choice("How the child was heard", rules.HEARD, "Select how the child was heard")
    words = text_area(
        "The child's wishes and feelings, in their own words",
        longest=5000,
        missing="Enter what the child said or showed, in their own words",
        description="Write what the child said as they said it, or describe what they showed",
        called="What the child said or showed",
    )
    raises_concern = choice(
        "Does what the child said or showed raise a concern about their safety or wellbeing?",
        YES_NO,
        "Select yes if what the child said or showed raises a concern",
    )
    markers = markers_field()
    submit = SubmitField("Save what the child said", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "heard_on": self.heard_on.data,
            "setting": self.setting.data,
            "setting_detail": self.setting_detail.data or None,
            "captured_by": self.captured_by.data,
            "heard_how": self.heard_how.data,
            "words": self.words.data,
            "raises_concern": self.raises_concern.data == "yes",
            **marker_values(self.markers.data),
        }


class ResponseForm(RecordForm):
    """The response to a concern: what was done, with whom, and why."""

    response = choice("What was done", rules.RESPONSES, "Select what was done about the concern")
    response_contact = optional_text(
        "Who you told or asked",
        200,
        description="Their name and role, for example the DSL or the IFD worker. Not needed "
        "for no further action.",
    )
    response_reasons = text_area(
        "Reasons",
        longest=4000,
        missing="Enter the reasons for this response",
        description="Why this was the right response to what the child said",
    )
    submit = SubmitField("Save the response", widget=GovSubmitInput())

    def validate_response_contact(self, field) -> None:
        # Asked here as well as by the use case, so every problem shows at once.
        if self.response.data in rules.NAMES_A_CONTACT and not field.data:
            raise ValidationError("Enter who you told or asked")

    @classmethod
    def data_from(cls, entry) -> dict:
        return {
            "response": entry.response,
            "response_contact": entry.response_contact or "",
            "response_reasons": entry.response_reasons or "",
            "version": entry.version,
        }

    def values(self) -> dict:
        return {
            "response": self.response.data,
            "response_contact": self.response_contact.data or None,
            "response_reasons": self.response_reasons.data,
        }
