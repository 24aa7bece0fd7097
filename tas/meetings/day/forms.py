"""Forms for the day of a meeting: who is present, attendance, minutes, and the actions agreed.

Forms only ever hold the fields a page shows, so a posted `meeting_id`, `status` or `child_id`
is ignored (docs/security.md C14). Every form builds on TasForm (CSRF, unusable characters).
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length

from tas.core.choices import Choice, record_id
from tas.core.fields import optional_choice, optional_text, options, stripped
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.meetings import rules
from tas.meetings.day.rules import suggested_attendance
from tas.meetings.models import Invitation, Meeting

CONFIRMATIONS = (
    Choice("present", "I have checked who is present, as listed above"),
    Choice("confidentiality", "The confidentiality statement was read out"),
)


class PresentForm(RecordForm):
    confirmations = SelectMultipleField(
        "Confirm before the discussion starts",
        widget=GovCheckboxesInput(),
        choices=options(CONFIRMATIONS),
        invalid_choice_message="Select only the confirmations listed",
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())

    def validate_confirmations(self, field) -> None:
        if set(field.data or ()) != {choice.code for choice in CONFIRMATIONS}:
            raise ValidationError(
                "Confirm who is present and that the confidentiality statement was read out"
            )

    @staticmethod
    def data_from(meeting: Meeting) -> dict:
        confirmed = ["present"] if meeting.present_confirmed_at else []
        if meeting.confidentiality_read:
            confirmed.append("confidentiality")
        return {"confirmations": confirmed, "version": meeting.version}

    def values(self) -> dict:
        return {"confidentiality_read": "confidentiality" in (self.confirmations.data or ())}


class AttendanceBase(TasForm):
    """Attendance for each standing invitation: fields named after the invitation's id."""

    submit = SubmitField("Save attendance", widget=GovSubmitInput())
    invitations: list[Invitation] = []

    def rows(self):
        """(invitation, its attendance, who came, its version) for the page."""
        for invitation in self.invitations:
            yield (
                invitation,
                self[f"attendance_{invitation.id}"],
                self[f"attended_by_{invitation.id}"],
                self[f"version_{invitation.id}"],
            )

    def version_of(self, invitation: Invitation) -> int | None:
        try:
            return int(self[f"version_{invitation.id}"].data)
        except (TypeError, ValueError):
            return None

    def values(self) -> dict[int, dict]:
        found = {}
        for invitation, attendance, attended_by, _version in self.rows():
            came = attendance.data == "attended"
            found[invitation.id] = {
                "attendance": attendance.data or None,
                "attended_by": (attended_by.data or None) if came else None,
                "version": self.version_of(invitation),
            }
        return found

    def show(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            self[name].errors = [message]


def attendance_form(invitations: list[Invitation], names: dict[int, str], **kwargs):
    """The attendance form for these invitations; opened (GET) it is filled from what is
    saved, or else from each answer to the invitation."""
    fields = {}
    for invitation in invitations:
        name = names[invitation.id]
        fields[f"attendance_{invitation.id}"] = optional_choice(
            name,
            rules.ATTENDANCE,
            f"Select whether {name} attended",
        )
        fields[f"attended_by_{invitation.id}"] = optional_text(
            "Who came",
            300,
            description="Their names, if they attended",
        )
        fields[f"version_{invitation.id}"] = HiddenField()
    form_class = type("AttendanceForm", (AttendanceBase,), fields)
    form = form_class(**kwargs)
    form.invitations = invitations
    return form


def attendance_data(invitations: list[Invitation], before_the_move: set[int]) -> dict:
    """What is saved, or else what each answer suggests; an answer given before the meeting
    moved to its day and time (`before_the_move`: invitation ids) suggests nothing."""
    data = {}
    for invitation in invitations:
        person = invitation.representative
        answer = None if invitation.id in before_the_move else invitation.answer
        attendance = invitation.attendance or suggested_attendance(answer)
        attended_by = invitation.attended_by
        if attended_by is None and attendance == "attended" and person is not None:
            attended_by = person.name
        data[f"attendance_{invitation.id}"] = attendance
        data[f"attended_by_{invitation.id}"] = attended_by or ""
        data[f"version_{invitation.id}"] = str(invitation.version)
    return data


class UninvitedForm(SentOnce, TasForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[
            DataRequired("Enter the name of the person who came"),
            Length(max=160, message="Name must be 160 characters or fewer"),
        ],
    )
    organisation = optional_text(
        "Organisation",
        160,
        description="Where they work, or who they came with, if their agency is not listed",
    )
    agency = SelectField(
        "Agency (optional)",
        widget=GovSelect(),
        choices=[],
        default="",
        invalid_choice_message="Select an agency from the list",
    )
    submit = SubmitField("Add the person", widget=GovSubmitInput())

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = options(agencies, "Not from a listed agency")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.organisation.data and not self.agency.data and not self.agency.errors:
            self.organisation.errors = ["Enter their organisation, or select their agency"]
            return False
        return valid

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "organisation": self.organisation.data or None,
            "agency_id": record_id(self.agency.data),
        }
