"""Forms for the day of a meeting: who is present, attendance, minutes, and the actions agreed.

Forms only ever hold the fields a page shows, so a posted `meeting_id`, `status` or `child_id`
is ignored (docs/security.md C14). Every form builds on TasForm (CSRF, unusable characters).
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from tas.core.forms import TasForm
from tas.core.submissions import SentOnce
from tas.levels.decisions.rules import CLOSE_REASON_NEEDED, REASON_LONGEST
from tas.meetings import rules
from tas.meetings.day.rules import suggested_attendance
from tas.meetings.models import AgendaItem, Invitation, Meeting
from tas.organisations.forms import RecordForm
from tas.plans import rules as plan_rules
from tas.plans.fields import (
    DayField,
    marker_values,
    markers_field,
    markers_from,
    options,
    people,
    record_id,
    text_area,
)

CONFIRMATIONS = (
    rules.Choice("present", "I have checked who is present, as listed above"),
    rules.Choice("confidentiality", "The confidentiality statement was read out"),
)


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def _short_text(label: str, longest: int, **kwargs) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[_stripped],
        validators=[
            Optional(),
            Length(max=longest, message=f"{label} must be {longest} characters or fewer"),
        ],
        **kwargs,
    )


def _radios(label: str, choices, invalid: str, **kwargs) -> RadioField:
    """Radios that may be left unanswered for now (the held check asks for them later)."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=options(choices),
        validators=[Optional()],
        invalid_choice_message=invalid,
        **kwargs,
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
        fields[f"attendance_{invitation.id}"] = _radios(
            name,
            rules.ATTENDANCE,
            f"Select whether {name} attended",
        )
        fields[f"attended_by_{invitation.id}"] = _short_text(
            "Who came",
            300,
            description="Their names, if they attended",
        )
        fields[f"version_{invitation.id}"] = HiddenField()
    form_class = type("AttendanceForm", (AttendanceBase,), fields)
    form = form_class(**kwargs)
    form.invitations = invitations
    return form


def attendance_data(invitations: list[Invitation]) -> dict:
    data = {}
    for invitation in invitations:
        person = invitation.representative
        attendance = invitation.attendance or suggested_attendance(invitation.answer)
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
        filters=[_stripped],
        validators=[
            DataRequired("Enter the name of the person who came"),
            Length(max=160, message="Name must be 160 characters or fewer"),
        ],
    )
    organisation = _short_text(
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


def _worries():
    return text_area("What are we worried about?", longest=4000)


def _working_well():
    return text_area("What is working well?", longest=4000)


def _minutes_data(item: AgendaItem) -> dict:
    return {
        "worries": item.worries or "",
        "working_well": item.working_well or "",
        "needs_to_happen": item.needs_to_happen or "",
        "markers": markers_from(item),
        "version": item.version,
    }


def _minutes_values(form) -> dict:
    return {
        "worries": form.worries.data or None,
        "working_well": form.working_well.data or None,
        "needs_to_happen": form.needs_to_happen.data or None,
        **marker_values(form.markers.data),
    }


class ConsultationMinutesForm(RecordForm):
    """The minutes of an anonymous consultation: the advice given, no decision about a child."""

    worries = _worries()
    working_well = _working_well()
    needs_to_happen = text_area(
        "Advice given",
        longest=4000,
        description="What needs to happen: the advice the school was given",
    )
    markers = markers_field()
    submit = SubmitField("Save the minutes", widget=GovSubmitInput())

    @staticmethod
    def data_from(item: AgendaItem) -> dict:
        return _minutes_data(item)

    def values(self) -> dict:
        return _minutes_values(self)


class MinutesForm(RecordForm):
    """A child's minutes: the family's part, the three parts, and the decision."""

    parent_part = _radios(
        "Did the parent or carer take part?",
        rules.FAMILY_PARTS,
        "Select whether the parent or carer took part",
    )
    parent_part_how = _short_text(
        "How the parent or carer took part",
        300,
        description="For example, in person, by phone, or through views the school shared",
    )
    child_part = _radios(
        "Did the child take part?", rules.FAMILY_PARTS, "Select whether the child took part"
    )
    child_part_how = _short_text(
        "How the child took part",
        300,
        description="For example, in person for part of the meeting, or a drawing of their views",
    )
    worries = _worries()
    working_well = _working_well()
    needs_to_happen = text_area("What needs to happen?", longest=4000)
    decision = _radios("Decision", rules.DECISIONS, "Select a decision from the list")
    decision_note = text_area(
        "About the decision (optional)",
        longest=2000,
        description="Why this was decided, and anything the family should know about it",
    )
    markers = markers_field()
    submit = SubmitField("Save the minutes", widget=GovSubmitInput())

    @staticmethod
    def data_from(item: AgendaItem) -> dict:
        return {
            **_minutes_data(item),
            "parent_part": item.parent_part,
            "parent_part_how": item.parent_part_how or "",
            "child_part": item.child_part,
            "child_part_how": item.child_part_how or "",
            "decision": item.decision,
            "decision_note": item.decision_note or "",
        }

    def values(self) -> dict:
        return {
            "parent_part": self.parent_part.data or None,
            "parent_part_how": self.parent_part_how.data or None,
            "child_part": self.child_part.data or None,
            "child_part_how": self.child_part_how.data or None,
            **_minutes_values(self),
            "decision": self.decision.data or None,
            "decision_note": self.decision_note.data or None,
        }


class MeetingActionForm(SentOnce, TasForm):
    """An action agreed at the meeting: what, who owns it, and by when."""

    description = text_area(
        "What needs to be done", longest=2000, missing="Enter what needs to be done"
    )
    owner_kind = RadioField(
        "Who owns the action",
        widget=GovRadioInput(),
        choices=options(plan_rules.OWNER_KINDS),
        validators=[DataRequired("Select who owns the action")],
        invalid_choice_message="Select who owns the action",
    )
    owner_agency = SelectField(
        "Agency",
        widget=GovSelect(),
        choices=[],
        default="",
        description="If an agency owns the action",
        invalid_choice_message="Select an agency from the list",
    )
    owner_user = SelectField(
        "Person",
        widget=GovSelect(),
        choices=[],
        default="",
        description="If a named person owns the action",
        invalid_choice_message="Select a person from the list",
    )
    owner_family_member = SelectField(
        "Parent or carer",
        widget=GovSelect(),
        choices=[],
        default="",
        description="If a parent or carer owns the action",
        invalid_choice_message="Select a parent or carer from the list",
    )
    due_on = DayField(
        "Due date", missing="Enter the date the action is due", description="For example, 8 1 2027"
    )
    markers = markers_field()
    submit = SubmitField("Add the action to the shared plan", widget=GovSubmitInput())

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_agency.choices = options(choices.agencies, "Select an agency")
        self.owner_user.choices = [*options([], "Select a person"), *people(choices.people)]
        self.owner_family_member.choices = [
            *options([], "Select a parent or carer"),
            *(
                SelectChoice(str(m.id), f"{m.name} ({m.relationship_to_child})")
                for m in choices.family
            ),
        ]

    def values(self) -> dict:
        owners = plan_rules.owner_values(
            self.owner_kind.data,
            {
                "owner_agency_id": record_id(self.owner_agency.data),
                "owner_user_id": record_id(self.owner_user.data),
                "owner_family_member_id": record_id(self.owner_family_member.data),
            },
        )
        return {
            "description": self.description.data,
            **owners,
            "due_on": self.due_on.data,
            **marker_values(self.markers.data),
        }

    def show(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            target = name if name in self else "description"
            self[target].errors = [message]


class HeldForm(RecordForm):
    """Minutes complete: a button carrying the meeting's version, and why the minutes are
    complete while a decision in them is still to be recorded (asked only then)."""

    open_decisions_reason = text_area(
        "Why are the minutes complete while these decisions are still to be recorded?",
        longest=REASON_LONGEST,
        description=(
            "For example, the designated safeguarding lead is recording the referral today. "
            "This stays in the service: it is never sent in an email or a calendar."
        ),
    )
    submit = SubmitField("Minutes complete", widget=GovSubmitInput())


class CloseDecisionForm(TasForm):
    """Close a decision in the minutes that has nothing left to record, with the reason."""

    reason = text_area(
        "Why is this decision closed without a referral or a step change?",
        longest=REASON_LONGEST,
        missing=CLOSE_REASON_NEEDED,
        description=(
            "For example, it was recorded elsewhere or is no longer needed. This stays in the "
            "service: it is never sent in an email or a calendar."
        ),
    )
    submit = SubmitField("Close the decision", widget=GovSubmitInput())
