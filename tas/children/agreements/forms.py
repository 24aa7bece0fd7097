"""Forms for the family's agreement, its withdrawal, sharing decisions and the lawful bases."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length

from tas.children.agreements import rules
from tas.core.fields import GovDateField, too_long
from tas.core.fields import stripped as _stripped
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.organisations.forms import name_field

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def text_area(
    label: str, description: str, *, missing: str | None, longest: int, called: str | None = None
):
    """A box for a few sentences, required when `missing` says what to ask for (`called`
    names it in the message for too long, where the label is a question)."""
    validators = [DataRequired(missing)] if missing else []
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        filters=[_stripped],
        validators=[*validators, too_long(called or label, longest)],
    )


def origin_field() -> SelectField:
    return SelectField(
        "Where this information came from",
        description="The school or agency that holds the original",
        widget=GovSelect(),
        invalid_choice_message="Select the school or agency this information came from",
    )


def markers_field() -> SelectMultipleField:
    return SelectMultipleField(
        "Markers",
        description="Select all that apply",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(marker.code, marker.label) for marker in rules.MARKERS],
        invalid_choice_message="Select markers from the list",
    )


class OriginMixin:
    """Where a record came from and its markers, as the service stores them."""

    def offer_origins(self, choices: list[SelectChoice]) -> None:
        self.origin.choices = choices

    def origin_values(self) -> dict:
        kind, _, number = (self.origin.data or "").partition(":")
        chosen = set(self.markers.data or [])
        return {
            "originating_school_id": int(number) if kind == "school" else None,
            "originating_agency_id": int(number) if kind == "agency" else None,
            **{code: code in chosen for code in rules.MARKER_CODES},
        }

    def marker_hints(self) -> list[dict]:
        return [{"hint": {"text": marker.hint}} for marker in rules.MARKERS]


class AgreementForm(SentOnce, OriginMixin, TasForm):
    agreed_by = RadioField(
        "Who agreed?",
        description="Only parents and carers with parental responsibility are listed",
        widget=GovRadioInput(),
        invalid_choice_message="Select the parent or carer who agreed",
    )
    agreed_on = GovDateField(
        "Date they agreed",
        description="For example, 27 3 2026",
        missing="Enter the date they agreed",
    )
    young_person_view = text_area(
        "The child's or young person's own view",
        "What they said about the support and about sharing information, in their own words "
        "if you can",
        missing=None,
        longest=5000,
    )
    young_person_competent = RadioField(
        "Is the young person competent to agree for themselves?",
        description="Gillick competence: whether they understand what they are agreeing to. "
        "Asked for young people aged 12 or over on the date they agreed.",
        widget=GovRadioInput(),
        choices=YES_NO,
        validate_choice=False,
    )
    agencies = SelectMultipleField(
        "Which agencies does the agreement cover?",
        description="The agencies the family agreed may be involved and receive information. "
        "The child's own GP practice is listed once it is recorded on their details.",
        widget=GovCheckboxesInput(),
        invalid_choice_message="Select agencies from the list",
    )
    information_covered = text_area(
        "What information does it cover?",
        "For example, attendance, wellbeing and health information relevant to the support",
        missing="Enter what information the agreement covers",
        longest=5000,
        called="What information it covers",
    )
    family_told = BooleanField(
        "The family was told what will be shared, with which agencies, and why",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Confirm that the family was told what will be shared and why")],
    )
    privacy_notice_given = BooleanField(
        "The family was given the privacy notice",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Confirm that the family was given the privacy notice")],
    )
    origin = origin_field()
    markers = markers_field()
    submit = SubmitField("Save agreement", widget=GovSubmitInput())

    def offer(
        self, *, parents, agencies, date_of_birth: date, today: date, current_on: date | None
    ) -> None:
        """The choices for this child, and what the dates are checked against (`current_on`:
        the date of the agreement that stands, if any)."""
        self.agreed_by.choices = [
            SelectChoice(str(p.id), f"{p.name} ({p.relationship_to_child})") for p in parents
        ]
        self.agencies.choices = [SelectChoice(str(a.id), a.name) for a in agencies]
        self.date_of_birth = date_of_birth
        self.today = today
        self.current_on = current_on
        # Shown when the child is old enough now; needed when they were on the date they agreed.
        self.asks_competence = rules.asks_competence(date_of_birth, today)

    def validate_agreed_on(self, field) -> None:
        if field.data is not None:
            problem = rules.agreement_date_problem(
                field.data, self.today, self.date_of_birth, self.current_on
            )
            if problem:
                raise ValidationError(problem)

    def competence_needed(self) -> bool:
        on = min(self.agreed_on.data or self.today, self.today)
        return rules.asks_competence(self.date_of_birth, on)

    def validate_young_person_competent(self, field) -> None:
        if self.competence_needed() and field.data not in ("yes", "no"):
            raise ValidationError("Select yes if the young person is competent to agree")
        if self.asks_competence and not self.competence_needed() and field.data:
            # Asked (they are old enough now) but too young on the date they agreed: the answer
            # cannot be kept, so say so rather than drop it, and show the question unanswered.
            field.data = None
            raise ValidationError(
                rules.competence_not_asked(self.date_of_birth, self.agreed_on.data)
            )

    def validate_agencies(self, field) -> None:
        if not field.data:
            raise ValidationError("Select the agencies the agreement covers")

    def values(self) -> dict:
        competent = None
        if self.competence_needed():
            competent = self.young_person_competent.data == "yes"
        return {
            "agreed_by_id": int(self.agreed_by.data),
            "agreed_on": self.agreed_on.data,
            "young_person_view": self.young_person_view.data or None,
            "young_person_competent": competent,
            "agency_ids": sorted({int(v) for v in self.agencies.data}),
            "information_covered": self.information_covered.data,
            "family_told_what_and_why": True,
            "privacy_notice_given": True,
            **self.origin_values(),
        }


class WithdrawalForm(TasForm):
    withdrawn_on = GovDateField(
        "Date agreement was withdrawn",
        description="For example, 27 3 2026. Withdrawal takes effect as soon as you save it.",
        missing="Enter the date agreement was withdrawn",
    )
    note = text_area(
        "Note",
        "Who withdrew agreement, how they told you, and anything they asked for",
        missing="Enter a note about the withdrawal",
        longest=5000,
    )
    submit = SubmitField("Record withdrawal", widget=GovSubmitInput())

    def offer(self, *, agreed_on: date, today: date) -> None:
        self.agreed_on_date = agreed_on
        self.today = today

    def validate_withdrawn_on(self, field) -> None:
        if field.data is not None:
            problem = rules.withdrawal_date_problem(field.data, self.today, self.agreed_on_date)
            if problem:
                raise ValidationError(problem)

    def values(self) -> dict:
        return {"withdrawn_on": self.withdrawn_on.data, "withdrawal_note": self.note.data}


class SharingDecisionForm(SentOnce, OriginMixin, TasForm):
    shared = RadioField(
        "Was information shared?",
        widget=GovRadioInput(),
        choices=YES_NO,
        invalid_choice_message="Select yes if information was shared",
    )
    shared_with = StringField(
        "Who with",
        description="The agency or person it was shared with, or who asked for it",
        widget=GovTextInput(),
        filters=[_stripped],
        validators=[
            DataRequired("Enter who the information was shared with, or who asked for it"),
            Length(max=300, message="Who with must be 300 characters or fewer"),
        ],
    )
    coordinators_may_see = BooleanField(
        "This decision shares the record with the partnership's coordinators",
        description="A coordinator who records a reason can then open the record, even after "
        "the family withdrew agreement",
        widget=GovCheckboxInput(),
    )
    lawful_basis = RadioField(
        "Lawful basis and condition",
        widget=GovRadioInput(),
        invalid_choice_message="Select the lawful basis and condition for this decision",
    )
    reasons = text_area(
        "Reasons",
        "Why you decided to share or not to share, and what you shared",
        missing="Enter the reasons for the decision",
        longest=5000,
    )
    origin = origin_field()
    markers = markers_field()
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_coordinators_may_see(self, field) -> None:
        # Only a decision to share can open the record to the coordinators: said, not dropped.
        if field.data and self.shared.data == "no":
            raise ValidationError(
                "A decision not to share information cannot share the record with the "
                "coordinators: untick the box, or select yes if information was shared"
            )

    def offer(self, bases) -> None:
        self.lawful_basis.choices = [SelectChoice(str(b.id), b.name) for b in bases]
        self.basis_hints = [{"hint": {"text": b.condition}} if b.condition else {} for b in bases]

    def values(self) -> dict:
        return {
            "shared": self.shared.data == "yes",
            "shared_with": self.shared_with.data,
            # Only a decision to share can open the record to the coordinators.
            "coordinators_may_see": self.shared.data == "yes" and self.coordinators_may_see.data,
            "lawful_basis_id": int(self.lawful_basis.data),
            "reasons": self.reasons.data,
            **self.origin_values(),
        }


class LawfulBasisForm(RecordForm):
    """A lawful basis; `version` carries a fingerprint of the saved entry (it has no counter)."""

    name = name_field("Lawful basis", "Enter the lawful basis", 200)
    condition = text_area(
        "Condition",
        "For special category data, the condition that applies, for example UK GDPR "
        "Article 9(2)(g) with Data Protection Act 2018 Schedule 1 paragraph 18",
        missing=None,
        longest=2000,
    )
    submit = SubmitField("Save lawful basis", widget=GovSubmitInput())

    def loaded_version(self) -> str | None:  # type: ignore[override]
        return self.version.data or None

    def values(self) -> dict:
        return {"name": self.name.data, "condition": self.condition.data or None}


def origin_choices(child, agencies) -> list[SelectChoice]:
    """Where a record about the child may come from: their school, or an agency."""
    school = SelectChoice(f"school:{child.school_id}", f"{child.school.name} (the child's school)")
    return [school, *(SelectChoice(f"agency:{a.id}", a.name) for a in agencies)]


def show(form, problems: dict[str, str]) -> None:
    """Put problems found when saving beside the fields they are about."""
    for name, message in problems.items():
        form[name].errors = [message]
