"""The form for adding and changing the people who sign in."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from sqlalchemy import select
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
)

from tas.core.choices import record_id
from tas.core.fields import email_field, options
from tas.core.forms import RecordForm
from tas.extensions import db
from tas.organisations import rules
from tas.organisations.forms import name_field
from tas.organisations.models import Agency, Cluster, School, User

ROLE_HINTS = {
    "admin": "Manages users, schools, agencies and clusters; never sees children's records",
    "coordinator": "Arranges meetings and sees figures for some clusters or the whole district",
    "dsl": "Works at a school; sees that school's children and meetings",
    "school_staff": "Works at a school; sees only the children a DSL gives them",
    "link_worker": "Works for an agency; triages requests and chairs meetings at linked schools",
    "practitioner": "Works for an agency; sees the children they work with",
    "gp": "A GP practice's safeguarding lead",
}


class UserForm(RecordForm):
    name = name_field("Full name", "Enter the person's full name", 160)
    email = email_field(
        "Email address",
        "Enter the person's email address",
        rules.normalise_email,
        "Their work email address: they sign in with it",
    )
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=options(rules.ROLES),
        invalid_choice_message="Select the person's role",
    )
    school = SelectField(
        "School",
        description="For designated safeguarding leads and school staff",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select a school from the list",
    )
    agency = SelectField(
        "Agency",
        description="For link workers, practitioners and GP practice accounts; "
        "optional for coordinators",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Select an agency from the list",
    )
    linked_schools = SelectMultipleField(
        "Schools this link worker is linked to",
        description="For link workers",
        widget=GovCheckboxesInput(),
        invalid_choice_message="Select schools from the list",
    )
    is_safeguarding_lead = BooleanField(
        "This practitioner is their agency's safeguarding lead",
        description="For practitioners",
        widget=GovCheckboxInput(),
    )
    district_wide = RadioField(
        "Does this coordinator cover the whole district?",
        description="For coordinators",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No, only some clusters")],
        default="no",
        invalid_choice_message="Select yes if this coordinator covers the whole district",
    )
    clusters = SelectMultipleField(
        "Clusters this person covers",
        description=(
            "For coordinators who do not cover the whole district, and for practitioners: "
            "their agency's invitations that name nobody reach them for these clusters' "
            "schools only (none ticked: every school)"
        ),
        widget=GovCheckboxesInput(),
        invalid_choice_message="Select clusters from the list",
    )
    submit = SubmitField("Save user", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schools = db.session.scalars(select(School).order_by(School.name)).all()
        agencies = db.session.scalars(select(Agency).order_by(Agency.name))
        clusters = db.session.scalars(select(Cluster).order_by(Cluster.name))
        self.school.choices = options(schools, "Select a school")
        self.agency.choices = options(agencies, "Select an agency")
        self.linked_schools.choices = options(schools)
        self.clusters.choices = options(clusters)

    def applies(self, name: str, saved: RecordForm) -> bool:
        """Where a person works is asked only as their role uses it (a DSL is no agency's
        safeguarding lead): a question neither version's role uses is not compared."""
        if name not in rules.ROLE_MEMBERSHIPS_ASKED:
            return True
        roles = {self.role.data, saved.role.data}
        return any(name in rules.memberships_for(role) for role in roles if role)

    def role_hints(self) -> list[dict]:
        """What each role is for, as hints beside the role radios, in the order shown."""
        return [{"hint": {"text": ROLE_HINTS.get(c.value, "")}} for c in self.role.choices]

    @staticmethod
    def data_from(user: User) -> dict:
        return {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "school": str(user.school_id or ""),
            "agency": str(user.agency_id or ""),
            "linked_schools": [str(school.id) for school in user.linked_schools],
            "is_safeguarding_lead": user.is_safeguarding_lead,
            "district_wide": "yes" if user.district_wide else "no",
            "clusters": [str(cluster.id) for cluster in user.clusters],
            "version": user.version,
        }

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "email": self.email.data,
            "role": self.role.data,
            "school_id": record_id(self.school.data),
            "agency_id": record_id(self.agency.data),
            "linked_school_ids": _ids(self.linked_schools.data),
            "is_safeguarding_lead": bool(self.is_safeguarding_lead.data),
            "district_wide": self.district_wide.data == "yes",
            "cluster_ids": _ids(self.clusters.data),
        }


def _ids(chosen: list[str] | None) -> list[int]:
    """The records chosen by id; an answer that is no record's id (the form says so) is left
    out, so what the save would check can still be worked out beside that error."""
    return [found for value in chosen or [] if (found := record_id(value)) is not None]
