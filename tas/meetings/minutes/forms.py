"""Forms for the minutes: each child's minutes (or a consultation's), the actions agreed, and
marking the minutes complete."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import (
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
)
from wtforms.validators import DataRequired

from tas.core.choices import record_id
from tas.core.fields import (
    GovDateField,
    optional_choice,
    optional_text,
    options,
    text_area,
)
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.levels.decisions.rules import REASON_LONGEST
from tas.meetings import rules
from tas.meetings.models import AgendaItem
from tas.plans import rules as plan_rules
from tas.plans.fields import marker_values, markers_field, markers_from, people


def _worries():
    return text_area("What are we worried about?", longest=4000, called="What we are worried about")


def _working_well():
    return text_area("What is working well?", longest=4000, called="What is working well")


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

    parent_part = optional_choice(
        "Did the parent or carer take part?",
        rules.FAMILY_PARTS,
        "Select whether the parent or carer took part",
    )
    parent_part_how = optional_text(
        "How the parent or carer took part",
        300,
        description="For example, in person, by phone, or through views the school shared",
    )
    child_part = optional_choice(
        "Did the child take part?", rules.FAMILY_PARTS, "Select whether the child took part"
    )
    child_part_how = optional_text(
        "How the child took part",
        300,
        description="For example, in person for part of the meeting, or a drawing of their views",
    )
    child_says = text_area(
        "What the child says (optional)",
        longest=2000,
        description="Their wishes and feelings, in their own words",
    )
    family_says = text_area(
        "What the family says (optional)",
        longest=2000,
        description="In the parent's or carer's own words",
    )
    worries = _worries()
    working_well = _working_well()
    needs_to_happen = text_area(
        "What needs to happen?", longest=4000, called="What needs to happen"
    )
    decision = optional_choice("Decision", rules.DECISIONS, "Select a decision from the list")
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
            "child_says": item.child_says or "",
            "family_says": item.family_says or "",
            "decision": item.decision,
            "decision_note": item.decision_note or "",
        }

    def values(self) -> dict:
        return {
            "parent_part": self.parent_part.data or None,
            "parent_part_how": self.parent_part_how.data or None,
            "child_part": self.child_part.data or None,
            "child_part_how": self.child_part_how.data or None,
            "child_says": self.child_says.data or None,
            "family_says": self.family_says.data or None,
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
    due_on = GovDateField(
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
        called="The reason the minutes are complete",
        description=(
            "For example, the designated safeguarding lead is recording the referral today. "
            "This stays in the service: it is never sent in an email or a calendar."
        ),
    )
    submit = SubmitField("Minutes complete", widget=GovSubmitInput())
