"""Forms for a child's level of need: a step up within early help, a referral to the IFD, the
IFD's decision, a professional disagreement, and a step down. Forms that add a record are sent
once (tas.core.submissions); the decision and the disagreement change the referral, so they carry
its version and a stale save is refused with both versions (409)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from tas.core.choices import label, record_id
from tas.core.fields import GovDateField, options, select, stripped, text_area
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.core.words import local_date
from tas.levels.models import IfdReferral
from tas.levels.rules import IFD_DECISIONS
from tas.meetings import rules as meeting_rules
from tas.plans.fields import people
from tas.plans.leads import NOT_OFFERED
from tas.plans.models import SharedPlan

NO_MEETING = "Not decided at a meeting"
FOR_EXAMPLE = "For example, 27 11 2026"


def short_text(label: str, *, longest: int, missing: str, **kwargs) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[stripped],
        validators=[
            DataRequired(missing),
            Length(max=longest, message=f"{label} must be {longest} characters or fewer"),
        ],
        **kwargs,
    )


def meeting_choices(meetings, prompt: str = NO_MEETING) -> list[SelectChoice]:
    """A meeting by reference, date and kind: no child's name anywhere."""
    return [
        SelectChoice("", prompt),
        *(
            SelectChoice(
                str(m.id),
                f"{m.reference}, {local_date(m.starts_at)} "
                f"({label(meeting_rules.MEETING_KINDS, m.kind)})",
            )
            for m in meetings
        ),
    ]


class AddForm(SentOnce, TasForm):
    """A form that adds a record once, and shows problems found when saving."""

    # Never an input: carries the message when the child's level does not allow this (now).
    level = HiddenField(id="current-level")

    def show(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            self[name].errors = [message]


def change_seen(value) -> int | None:
    """The child's latest step change when the form was opened (0: none yet), or None when
    what was sent is no id at all."""
    return 0 if str(value or "").strip() == "0" else record_id(value)


class StepForm(AddForm):
    """What a step up and a step down share: when, why, who decided, and where; and the
    child's latest step change when the form was opened, so that a form opened before someone
    else recorded a change saves nothing (tas.levels.services.refuse_if_changed)."""

    last_change = HiddenField(id="last-change")
    changed_on = GovDateField(
        "Date of the decision", missing="Enter the date of the decision", description=FOR_EXAMPLE
    )
    reason = text_area("Reason", longest=2000, missing="Enter the reason for the change")
    decided_by = short_text(
        "Who decided",
        longest=200,
        missing="Enter who decided",
        description="A person, or for example \u201cTAS meeting\u201d",
    )
    meeting = select(
        "Meeting (optional)",
        description="The meeting where it was decided, if it was",
        invalid_choice_message="Select a meeting from the list",
    )

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting.choices = meeting_choices(meetings)

    def values(self) -> dict:
        return {
            "changed_on": self.changed_on.data,
            "reason": self.reason.data,
            "decided_by": self.decided_by.data,
            "meeting_id": record_id(self.meeting.data),
            "last_change": change_seen(self.last_change.data),
        }


class StepUpForm(StepForm):
    """A step up; with an open plan, also whether the lead practitioner changes, and who."""

    lead_changes = RadioField(
        "Does the lead practitioner change?",
        widget=GovRadioInput(),
        choices=[SelectChoice("no", "No"), SelectChoice("yes", "Yes")],
        validate_choice=False,  # checked with the lead chosen by tas.plans.leads
    )
    new_lead_practitioner = select(
        "New lead practitioner",
        description="Only if the lead practitioner changes: the link worker or practitioner "
        "the family agreed will lead the plan now",
        invalid_choice_message=NOT_OFFERED,
    )
    submit = SubmitField("Record the step up", widget=GovSubmitInput())

    def __init__(self, *args, plan: SharedPlan | None = None, leads=(), **kwargs):
        super().__init__(*args, **kwargs)
        if plan is None:  # no plan, so no lead practitioner to change
            del self.lead_changes
            del self.new_lead_practitioner
            return
        self.new_lead_practitioner.choices = [
            SelectChoice("", "Select the new lead practitioner"),
            *people(person for person in leads if person.id != plan.lead_practitioner_id),
        ]

    def values(self) -> dict:
        if "lead_changes" not in self:
            return super().values()
        return {
            **super().values(),
            "lead_changes": self.lead_changes.data,
            "new_lead_practitioner_id": record_id(self.new_lead_practitioner.data),
        }


class StepDownForm(StepForm):
    to_level = RadioField(
        "Level of need after the step down",
        widget=GovRadioInput(),
        choices=[],
        validators=[DataRequired("Select the level of need the child steps down to")],
        invalid_choice_message="Select the level of need the child steps down to",
    )
    submit = SubmitField("Record the step down", widget=GovSubmitInput())

    def __init__(self, *args, levels=(), **kwargs):
        """`levels`: the levels this step down may go to (tas.levels.rules)."""
        super().__init__(*args, **kwargs)
        self.to_level.choices = options(levels)

    def values(self) -> dict:
        return {**super().values(), "to_level": self.to_level.data}


class ReferralForm(AddForm):
    consultation_on = GovDateField(
        "Date of the phone consultation with the IFD (optional)", description=FOR_EXAMPLE
    )
    referred_on = GovDateField(
        "Date of the referral form (MARF)",
        missing="Enter the date of the referral form",
        description=FOR_EXAMPLE,
    )
    marf_reference = short_text(
        "Referral form (MARF) reference",
        longest=40,
        missing="Enter the reference of the referral form",
    )
    meeting = select(
        "Meeting (optional)",
        description="The meeting that decided to refer, if one did",
        invalid_choice_message="Select a meeting from the list",
    )
    submit = SubmitField("Record the referral", widget=GovSubmitInput())

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting.choices = meeting_choices(meetings, "Not decided at a meeting")

    def values(self) -> dict:
        return {
            "consultation_on": self.consultation_on.data,
            "referred_on": self.referred_on.data,
            "marf_reference": self.marf_reference.data,
            "meeting_id": record_id(self.meeting.data),
        }


class DecisionForm(RecordForm):
    decision = RadioField(
        "The IFD's decision",
        widget=GovRadioInput(),
        choices=options(IFD_DECISIONS),
        validators=[DataRequired("Select the IFD's decision")],
        invalid_choice_message="Select the IFD's decision",
    )
    decided_on = GovDateField(
        "Date of the decision", missing="Enter the date of the decision", description=FOR_EXAMPLE
    )
    feedback = text_area(
        "Feedback received (optional)",
        longest=4000,
        description="What the IFD told you about the decision and what happens next",
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())

    @staticmethod
    def data_from(referral: IfdReferral) -> dict:
        return {
            "decision": referral.decision,
            "decided_on": referral.decided_on,
            "feedback": referral.feedback or "",
            "version": referral.version,
        }

    def values(self) -> dict:
        return {
            "decision": self.decision.data,
            "decided_on": self.decided_on.data,
            "feedback": self.feedback.data or None,
        }


class SocialWorkerForm(RecordForm):
    """While Children's Social Care holds the plan: the social worker who leads, and their team."""

    social_worker_name = short_text(
        "Social worker's name", longest=200, missing="Enter the social worker's name"
    )
    social_worker_team = StringField(
        "Team (optional)",
        description="For example, Wakefield East Children in Need Team",
        widget=GovTextInput(),
        filters=[stripped],
        validators=[Length(max=200, message="The team must be 200 characters or fewer")],
    )
    submit = SubmitField("Save the social worker", widget=GovSubmitInput())

    @staticmethod
    def data_from(plan: SharedPlan) -> dict:
        return {
            "social_worker_name": plan.social_worker_name or "",
            "social_worker_team": plan.social_worker_team or "",
            "version": plan.version,
        }

    def values(self) -> dict:
        return {
            "social_worker_name": self.social_worker_name.data,
            "social_worker_team": self.social_worker_team.data or None,
        }


class DisagreementForm(RecordForm):
    disagreed_on = GovDateField(
        "Date of the disagreement",
        missing="Enter the date you raised the disagreement",
        description=FOR_EXAMPLE,
    )
    disagreement_note = text_area(
        "What you disagree with, and what you have done",
        longest=4000,
        missing="Enter what you disagree with",
    )
    submit = SubmitField("Record the disagreement", widget=GovSubmitInput())

    @staticmethod
    def data_from(referral: IfdReferral) -> dict:
        return {
            "disagreed_on": referral.disagreed_on,
            "disagreement_note": referral.disagreement_note or "",
            "version": referral.version,
        }

    def values(self) -> dict:
        return {
            "disagreed_on": self.disagreed_on.data,
            "disagreement_note": self.disagreement_note.data,
        }
