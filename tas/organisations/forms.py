"""Admin forms for clusters, schools and agencies, and what every admin form shares."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from sqlalchemy import select
from wtforms import (
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length

from tas.core.choices import record_id
from tas.core.fields import email_field, normalised, options, tidy_name
from tas.core.forms import RecordForm
from tas.extensions import db
from tas.organisations import rules
from tas.organisations.models import Agency, Cluster, School


def name_field(label: str, missing: str, longest: int) -> StringField:
    """A required name, tidied (tas.core.fields.tidy_name), with the GOV.UK messages for
    missing and too long."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[tidy_name],
        validators=[
            DataRequired(missing),
            Length(max=longest, message=f"{label} must be {longest} characters or fewer"),
        ],
    )


class ClusterForm(RecordForm):
    name = name_field("Name", "Enter the cluster's name", 120)
    submit = SubmitField("Save cluster", widget=GovSubmitInput())

    @staticmethod
    def data_from(cluster: Cluster) -> dict:
        return {"name": cluster.name, "version": cluster.version}

    def values(self) -> dict:
        return {"name": self.name.data}


class SchoolForm(RecordForm):
    name = name_field("Name", "Enter the school's name", 160)
    urn = StringField(
        "URN",
        description="The school's unique reference number: 6 digits, like 100123",
        widget=GovTextInput(),
        filters=[normalised(rules.normalise_urn)],
        validators=[DataRequired("Enter the school's URN")],
    )
    phase = RadioField(
        "Phase",
        widget=GovRadioInput(),
        choices=options(rules.PHASES),
        invalid_choice_message="Select the school's phase",
    )
    cluster = SelectField(
        "Cluster",
        widget=GovSelect(),
        validators=[InputRequired("Select the school's cluster")],
        invalid_choice_message="Select the school's cluster",
    )
    submit = SubmitField("Save school", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clusters = db.session.scalars(select(Cluster).order_by(Cluster.name))
        self.cluster.choices = options(clusters, "Select a cluster")

    def validate_urn(self, field) -> None:
        if not rules.valid_urn(field.data):
            raise ValidationError("Enter a URN in the correct format, like 100123")

    @staticmethod
    def data_from(school: School) -> dict:
        return {
            "name": school.name,
            "urn": school.urn,
            "phase": school.phase,
            "cluster": str(school.cluster_id),
            "version": school.version,
        }

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "urn": self.urn.data,
            "phase": self.phase.data,
            "cluster_id": record_id(self.cluster.data),
        }


class AgencyForm(RecordForm):
    name = name_field("Name", "Enter the agency's name", 160)
    service_type = SelectField(
        "Service",
        widget=GovSelect(),
        choices=options(rules.SERVICE_TYPES, "Select a service"),
        validators=[InputRequired("Select the agency's service")],
        invalid_choice_message="Select the agency's service",
    )
    contact_email = email_field(
        "Secure contact email address",
        "Enter the agency's secure contact email address",
        rules.normalise_email,
        "Where the partnership sends this agency's invitations and notifications",
    )
    ods_code = StringField(
        "ODS code",
        description="GP practices only: one letter then five digits, like B82005",
        widget=GovTextInput(),
        filters=[normalised(rules.normalise_ods_code)],
    )
    submit = SubmitField("Save agency", widget=GovSubmitInput())

    def validate_ods_code(self, field) -> None:
        if self.service_type.data != rules.GP_PRACTICE:
            return  # other agencies have no ODS code: whatever was typed is not kept
        if not field.data:
            raise ValidationError("Enter the GP practice's ODS code")
        if not rules.valid_ods_practice_code(field.data):
            raise ValidationError("Enter an ODS code in the correct format, like B82005")

    @staticmethod
    def data_from(agency: Agency) -> dict:
        return {
            "name": agency.name,
            "service_type": agency.service_type,
            "contact_email": agency.contact_email,
            "ods_code": agency.ods_code or "",
            "version": agency.version,
        }

    def values(self) -> dict:
        is_gp = self.service_type.data == rules.GP_PRACTICE
        return {
            "name": self.name.data,
            "service_type": self.service_type.data,
            "contact_email": self.contact_email.data,
            "ods_code": self.ods_code.data if is_gp else None,
        }
