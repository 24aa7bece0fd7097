"""Forms for an agency's involvement: adding it, and updating it.

The named practitioner updates their own involvement with a form that has no practitioner
question, so a posted `practitioner` is ignored (docs/security.md C14); plan editors and the
agency's safeguarding lead also choose who is named.
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from tas.core.choices import record_id
from tas.core.decisions import DecisionForm
from tas.core.fields import GovDateField, choice, options, select, stripped, text_area
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.plans import rules
from tas.plans.fields import marker_values, markers_field, markers_from, people
from tas.plans.involvements.rules import ENGAGEMENT_DECISIONS
from tas.plans.models import AgencyInvolvement

NOBODY = "Nobody named yet"


class OptionalRadioField(RadioField):
    """Radios that may be left unanswered; an answer must be one of the choices."""

    def pre_validate(self, form) -> None:
        if self.data in (None, ""):
            return
        super().pre_validate(form)


def engagement(label: str) -> RadioField:
    """Engagement is optional until the service has met the family."""
    return OptionalRadioField(
        label,
        widget=GovRadioInput(),
        choices=options(rules.ENGAGEMENT),
        invalid_choice_message=f"Select the {label.lower()} from the list",  # noqa: S608
    )


class InvolvementUpdateForm(RecordForm):
    """What the named practitioner keeps up to date."""

    service = StringField(
        "Service or intervention",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[
            DataRequired("Enter the service or intervention"),
            Length(max=200, message="Service or intervention must be 200 characters or fewer"),
        ],
    )
    status = choice("Status", rules.INVOLVEMENT_STATUSES, "Select the involvement's status")
    started_on = GovDateField("Start date", description="For example, 8 9 2026")
    ended_on = GovDateField("End date", description="Only when the involvement has ended")
    child_engagement = engagement("Child's engagement")
    parent_engagement = engagement("Parent's or carer's engagement")
    engagement_note = text_area(
        "What you noticed about engagement (optional)",
        longest=1000,
        description="Kept with the date in the engagement history",
    )
    last_contact_on = GovDateField("Date of last contact")
    summary = text_area(
        "Summary",
        longest=4000,
        description="What the service is doing and how it is going",
    )
    markers = markers_field()
    submit = SubmitField("Save the involvement", widget=GovSubmitInput())

    def __init__(self, *args, practitioners=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "practitioner" in self:
            self["practitioner"].choices = [*options([], NOBODY), *people(practitioners)]

    @classmethod
    def data_from(cls, involvement: AgencyInvolvement) -> dict:
        return {
            "service": involvement.service,
            "status": involvement.status,
            "started_on": involvement.started_on,
            "ended_on": involvement.ended_on,
            "child_engagement": involvement.child_engagement,
            "parent_engagement": involvement.parent_engagement,
            "last_contact_on": involvement.last_contact_on,
            "summary": involvement.summary or "",
            "markers": markers_from(involvement),
            "practitioner": str(involvement.practitioner_id or ""),
            "version": involvement.version,
        }

    def values(self) -> dict:
        values = {
            "service": self.service.data,
            "status": self.status.data,
            "started_on": self.started_on.data,
            "ended_on": self.ended_on.data,
            "child_engagement": self.child_engagement.data or None,
            "parent_engagement": self.parent_engagement.data or None,
            "last_contact_on": self.last_contact_on.data,
            "summary": self.summary.data or None,
            "engagement_note": self.engagement_note.data or None,
            **marker_values(self.markers.data),
        }
        if "practitioner" in self:
            values["practitioner_id"] = record_id(self["practitioner"].data)
        return values


class InvolvementChangeForm(InvolvementUpdateForm):
    """Plan editors and the agency's safeguarding lead also choose the named practitioner."""

    practitioner = select(
        "Named practitioner",
        description="Someone who works for this agency. They will be able to see the child's "
        "record while the involvement is active.",
    )


class InvolvementForm(SentOnce, InvolvementChangeForm):
    """Adding an involvement: the agency too."""

    agency = select(
        "Agency", "Select the agency", invalid_choice_message="Select the agency from the list"
    )
    # The page asks for the agency first, so its error comes first in the summary too.
    agency.creation_counter = -1
    submit = SubmitField("Add the involvement", widget=GovSubmitInput())

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = options(agencies, "Select an agency")

    def values(self) -> dict:
        return {**super().values(), "agency_id": record_id(self.agency.data)}


class EngagementDecisionForm(SentOnce, DecisionForm):
    """What was decided about engagement that stayed limited or none."""

    decision = choice(
        "What was decided", ENGAGEMENT_DECISIONS, "Select what was decided about engagement"
    )
    detail = text_area(
        "The joint approach, or the reasons",
        longest=2000,
        missing="Enter the joint approach, or the reasons for the decision",
        description="For a joint approach, say what it is and who does what; otherwise, why",
    )
