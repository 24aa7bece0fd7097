"""Forms for the chronology: a significant event, and the decision that answers cumulative
harm (a Neglect Toolkit completed, or an escalation decided)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from tas.chronology import rules
from tas.core.choices import Choice, record_id
from tas.core.fields import (
    GovDateField,
    choice,
    options,
    select,
    stripped,
    text_area,
    too_long,
)
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.plans.fields import marker_values, markers_field

OWN = "Your own organisation"


class EventForm(SentOnce, RecordForm):
    happened_on = GovDateField(
        "Date of the event",
        missing="Enter the date of the event",
        description="For example, 27 3 2026",
    )
    category = choice("Category", (), "Select the category of the event")
    severity = choice("Severity", rules.SEVERITIES, "Select how severe the event was")
    source_agency = select(
        "Where the information came from",
        description="The agency that told you, for example the police or the hospital",
        invalid_choice_message="Select the agency the information came from",
    )
    summary = text_area(
        "Summary",
        longest=1000,
        missing="Enter a short summary of the event",
        description="What happened, in a few sentences: facts, not opinions",
    )
    markers = markers_field()
    submit = SubmitField("Add the event", widget=GovSubmitInput())

    def __init__(self, *args, categories: tuple[Choice, ...] = (), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = options(categories)
        self.source_agency.choices = options(agencies, OWN)

    def values(self) -> dict:
        return {
            "happened_on": self.happened_on.data,
            "category": self.category.data,
            "severity": self.severity.data,
            "source_agency_id": record_id(self.source_agency.data),
            "summary": self.summary.data,
            **marker_values(self.markers.data),
        }


def _who(label: str) -> StringField:
    return StringField(
        label,
        description="Their name and role",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[DataRequired(f"Enter {label.lower()}"), too_long(label, 200)],
    )


class ToolkitForm(SentOnce, RecordForm):
    """A Neglect Toolkit completed: it answers a cumulative harm pattern."""

    kind = "neglect_toolkit"
    done_on = GovDateField(
        "Date the Neglect Toolkit was completed",
        missing="Enter the date the Neglect Toolkit was completed",
        description="For example, 27 3 2026",
    )
    outcome = choice(
        "Overall outcome", rules.TOOLKIT_OUTCOMES, "Select the Neglect Toolkit's overall outcome"
    )
    completed_by = _who("Who completed it")
    summary = text_area(
        "Summary", longest=4000, missing="Enter a summary", description="What it found, and why"
    )
    submit = SubmitField("Save the Neglect Toolkit", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "kind": self.kind,
            "done_on": self.done_on.data,
            "outcome": self.outcome.data,
            "completed_by": self.completed_by.data,
            "summary": self.summary.data,
        }


class EscalationForm(ToolkitForm):
    """An escalation decision: it answers a cumulative harm pattern too."""

    kind = "escalation"
    done_on = GovDateField(
        "Date of the decision",
        missing="Enter the date of the decision",
        description="For example, 27 3 2026",
    )
    outcome = choice("Decision", rules.ESCALATION_DECISIONS, "Select the escalation decision")
    completed_by = _who("Who decided")
    summary = text_area(
        "Reasons", longest=4000, missing="Enter the reasons", description="Why this decision"
    )
    submit = SubmitField("Save the decision", widget=GovSubmitInput())


HARM_FORMS = {"neglect_toolkit": ToolkitForm, "escalation": EscalationForm}
