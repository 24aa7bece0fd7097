"""Forms about children: their details, finding them, and a coordinator's reason to open one."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
)
from sqlalchemy import select
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired

from tas.children import rules
from tas.children.fields import (
    NHS_NUMBER_HINT,
    UPN_HINT,
    nhs_number_field,
    optional_note,
    upn_field,
)
from tas.core.choices import record_id
from tas.core.fields import (
    GovDateField,
    blank_as_none,
    optional_text,
    options,
    stripped,
    too_long,
)
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.extensions import db
from tas.organisations.forms import name_field
from tas.organisations.models import Agency, School
from tas.organisations.rules import GP_PRACTICE


def year_group_choices() -> list[SelectChoice]:
    return [
        SelectChoice("", "Work it out from the date of birth"),
        *(SelectChoice(str(group), rules.year_group_label(group)) for group in rules.YEAR_GROUPS),
    ]


class ChildForm(RecordForm):
    """A child's details: only what coordinating support needs."""

    first_name = name_field("First name", "Enter the child's first name", 100)
    last_name = name_field("Last name", "Enter the child's last name", 100)
    date_of_birth = GovDateField(
        "Date of birth",
        description="For example, 27 3 2016",
        missing="Enter the child's date of birth",
    )
    year_group = SelectField(
        "Year group",
        description="Leave this to be worked out unless the child is taught out of their year",
        widget=GovSelect(),
        default="",
        choices=year_group_choices(),
        invalid_choice_message="Select a year group from the list",
    )
    upn = upn_field("Unique pupil number (UPN) (optional)")
    nhs_number = nhs_number_field("NHS number (optional)")
    gp_practice = SelectField(
        "GP practice (optional)",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select a GP practice from the list",
    )
    preferred_language = optional_text("Preferred language (optional)", 60)
    early_help_reference = optional_text("Early help case system reference (optional)", 40)
    social_care_reference = optional_text("Social care case system reference (optional)", 40)
    school_system_reference = optional_text(
        "School safeguarding system reference (optional)",
        40,
        "The child's reference in the school's own system, such as CPOMS or MyConcern",
    )
    known_to = optional_note(
        "Known to (optional)",
        500,
        "A short note of the services the child or family are known to",
    )
    submit = SubmitField("Save child", widget=GovSubmitInput())

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        practices = db.session.scalars(
            select(Agency).where(Agency.service_type == GP_PRACTICE).order_by(Agency.name)
        )
        self.gp_practice.choices = options(practices, "Not known")

    def validate_date_of_birth(self, field) -> None:
        problem = field.data and rules.date_of_birth_problem(field.data, self.today)
        if problem:
            raise ValidationError(problem)

    def validate_nhs_number(self, field) -> None:
        if not field.data:
            return
        if not rules.NHS_NUMBER.match(field.data):
            raise ValidationError(f"NHS number must be {NHS_NUMBER_HINT}")
        if not rules.valid_nhs_number(field.data):
            raise ValidationError("This is not a valid NHS number: check it and enter it again")

    def validate_upn(self, field) -> None:
        if not field.data:
            return
        if len(field.data) != 13:
            raise ValidationError(f"UPN must be {UPN_HINT}")
        if not rules.UPN.match(field.data):
            raise ValidationError(
                "UPN must be a letter, 11 digits, then a digit or a letter, like B801200005001"
            )
        if not rules.valid_upn(field.data):
            raise ValidationError("This is not a valid UPN: check it and enter it again")

    @staticmethod
    def data_from(child) -> dict:
        override = child.year_group_override
        return {
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth,
            "year_group": "" if override is None else str(override),
            "upn": child.upn or "",
            "nhs_number": child.nhs_number or "",
            "gp_practice": str(child.gp_practice_id or ""),
            "preferred_language": child.preferred_language or "",
            "early_help_reference": child.early_help_reference or "",
            "social_care_reference": child.social_care_reference or "",
            "school_system_reference": child.school_system_reference or "",
            "known_to": child.known_to or "",
            "version": child.version,
        }

    def values(self) -> dict:
        year = self.year_group.data
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "date_of_birth": self.date_of_birth.data,
            "year_group_override": int(year) if year else None,
            "upn": blank_as_none(self.upn.data),
            "nhs_number": blank_as_none(self.nhs_number.data),
            "gp_practice_id": record_id(self.gp_practice.data),
            "preferred_language": blank_as_none(self.preferred_language.data),
            "early_help_reference": blank_as_none(self.early_help_reference.data),
            "social_care_reference": blank_as_none(self.social_care_reference.data),
            "school_system_reference": blank_as_none(self.school_system_reference.data),
            "known_to": blank_as_none(self.known_to.data),
        }


class NewChildForm(SentOnce, ChildForm):
    """Adding a child: also which school, when the person works with more than one."""

    school = SelectField(
        "School",
        widget=GovSelect(),
        default="",
        validators=[DataRequired("Select the child's school")],
        invalid_choice_message="Select the child's school",
    )

    # Shown when a record the person may not see has a number they typed (record_checks).
    check_note = optional_note(
        "Note for the coordinator (optional)",
        500,
        "For example, when the child joined your school, or when to call you",
    )
    ask = SubmitField("Ask the coordinator to check", widget=GovSubmitInput())
    # Shown when one of the school's children has the same name and date of birth.
    different_child = BooleanField(
        "I have checked: this is a different child with the same name and date of birth",
        widget=GovCheckboxInput(),
    )

    def __init__(self, *args, schools: list[School], **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_school = schools[0] if len(schools) == 1 else None
        if self.fixed_school:
            del self.school  # a DSL adds children to their own school only
        else:
            self.school.choices = options(schools, "Select a school")

    def values(self) -> dict:
        """The child as the record keeps it (not the different-child box: a question about
        this adding only)."""
        school_id = self.fixed_school.id if self.fixed_school else record_id(self.school.data)
        return {**super().values(), "school_id": school_id}


COORDINATOR_NAME_HINT = (
    "First name and last name. To find a record you have not opened, give the date of birth "
    "as well, or search by NHS number or UPN"
)


class SearchForm(TasForm):
    """Find a child by name, date of birth, NHS number or UPN (posted: names stay out of URLs)."""

    name = optional_text("Name", 200, "First name, last name or both")
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 2016")
    nhs_number = nhs_number_field("NHS number")
    upn = upn_field("UPN")
    submit = SubmitField("Search", widget=GovSubmitInput())

    def __init__(self, *args, coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if coordinator:
            # A record they have not opened is found only by exact identification
            # (tas.children.services.identifies): the hint says what to give.
            self.name.description = COORDINATOR_NAME_HINT

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not any(self.criteria().values()):
            self.name.errors = ["Enter a name, date of birth, NHS number or UPN"]
            return False
        return True

    def validate_nhs_number(self, field) -> None:
        if field.data and not rules.NHS_NUMBER.match(field.data):
            raise ValidationError(f"NHS number must be {NHS_NUMBER_HINT}")

    def validate_upn(self, field) -> None:
        if field.data and len(field.data) != 13:
            raise ValidationError(f"UPN must be {UPN_HINT}")

    def criteria(self) -> dict:
        return {
            "name": self.name.data or None,
            "date_of_birth": self.date_of_birth.data,
            "nhs_number": self.nhs_number.data or None,
            "upn": self.upn.data or None,
        }


class CoordinatorReasonForm(TasForm):
    reason = TextAreaField(
        "Why do you need to open this child's record?",
        description="Your reason is kept with your name in the audit log. "
        "The record then stays open to you for the hours shown above.",
        widget=GovCharacterCount(),
        filters=[stripped],
        validators=[
            DataRequired("Enter why you need to open this child's record"),
            too_long("Your reason", 500),
        ],
    )
    submit = SubmitField("Open the record", widget=GovSubmitInput())

    def validate_reason(self, field) -> None:
        if len(field.data.split()) < 3:
            raise ValidationError(
                "Say why in a few words, like 'Preparing the cluster's TAS agenda'"
            )


class DealtWithForm(RecordForm):
    """A coordinator marks a request to check a record as dealt with."""

    outcome = TextAreaField(
        "What did you find, and what was done?",
        description="The coordinators who cover the school see this with the request. "
        "The person who asked is told it was dealt with, not what you write here.",
        widget=GovCharacterCount(),
        filters=[stripped],
        validators=[
            DataRequired("Say what you found and what was done"),
            too_long("What was done", 500),
        ],
    )
    submit = SubmitField("Mark as dealt with", widget=GovSubmitInput())
