"""Forms about a child's family, school and school staff."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired

from tas.children.fields import optional_note
from tas.core.choices import record_id
from tas.core.fields import GovDateField, blank_as_none, optional_text, options
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.organisations.forms import name_field
from tas.plans.fields import marker_values, markers_field, markers_from

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def yes_no(label: str, missing: str, description: str | None = None) -> RadioField:
    return RadioField(
        label,
        description=description,
        widget=GovRadioInput(),
        choices=YES_NO,
        invalid_choice_message=missing,
    )


def answer(flag: bool) -> str:
    return "yes" if flag else "no"


class FamilyMemberForm(SentOnce, RecordForm):
    """A parent, carer or other adult in the child's network."""

    name = name_field("Name", "Enter the person's name", 160)
    relationship_to_child = name_field(
        "Relationship to the child", "Enter how they are related", 60
    )
    parental_responsibility = yes_no(
        "Do they hold parental responsibility?",
        "Select yes if they hold parental responsibility for the child",
    )
    lives_with_child = yes_no(
        "Does the child live with them?", "Select yes if the child lives with them"
    )
    contact = optional_note(
        "Contact details (optional)", 300, "Phone number, email address or address"
    )
    safe_contact_warning = optional_note(
        "Safe-contact warning (optional)",
        500,
        "Only if contacting this person could put the child or someone else at risk, for "
        "example because of domestic abuse: say what to check before anyone contacts them",
    )
    markers = markers_field()
    submit = SubmitField("Save", widget=GovSubmitInput())

    @staticmethod
    def data_from(member) -> dict:
        return {
            "markers": markers_from(member),
            "name": member.name,
            "relationship_to_child": member.relationship_to_child,
            "parental_responsibility": answer(member.parental_responsibility),
            "lives_with_child": answer(member.lives_with_child),
            "contact": member.contact or "",
            "safe_contact_warning": member.safe_contact_warning or "",
            "version": member.version,
        }

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "relationship_to_child": self.relationship_to_child.data,
            "parental_responsibility": self.parental_responsibility.data == "yes",
            "lives_with_child": self.lives_with_child.data == "yes",
            "contact": blank_as_none(self.contact.data),
            "safe_contact_warning": blank_as_none(self.safe_contact_warning.data),
            **marker_values(self.markers.data),
        }


class LivesWithForm(RecordForm):
    lives_with = optional_text(
        "Who does the child live with?",
        200,
        "For example, 'Mother and stepfather' or 'Grandparents, in kinship care'",
        called="Who the child lives with",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    @staticmethod
    def data_from(child) -> dict:
        return {"lives_with": child.lives_with or "", "version": child.version}

    def values(self) -> dict:
        return {"lives_with": blank_as_none(self.lives_with.data)}


class SchoolMoveForm(RecordForm):
    school = SelectField(
        "New school",
        widget=GovSelect(),
        default="",
        validators=[DataRequired("Select the child's new school")],
        invalid_choice_message="Select the child's new school",
    )
    moved_on = GovDateField(
        "Date of the move",
        missing="Enter the date the child moves school",
        description="The child's first day at the new school, for example 2 11 2026: today or "
        "up to a year ago. Record the move once the child has started there.",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.school.choices = options(schools, "Select a school")

    def new_school_id(self) -> int | None:
        return record_id(self.school.data)


class StaffGrantForm(TasForm):
    staff = SelectField(
        "Member of staff",
        widget=GovSelect(),
        default="",
        validators=[DataRequired("Select a member of staff")],
        invalid_choice_message="Select a member of staff from the list",
    )
    submit = SubmitField("Give access", widget=GovSubmitInput())

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff.choices = options(staff, "Select a member of staff")

    def staff_id(self) -> int | None:
        return record_id(self.staff.data)
