"""Forms for the shared plan itself and its outcomes (involvements and actions have their own)."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField, ValidationError
from wtforms.validators import DataRequired

from tas.core.choices import record_id
from tas.core.decisions import DecisionForm
from tas.core.fields import (
    GovDateField,
    choice,
    options,
    select,
    stripped,
    text_area,
)
from tas.core.forms import RecordForm
from tas.core.submissions import SentOnce
from tas.core.words import long_date
from tas.plans.fields import marker_values, markers_field, markers_from, people
from tas.plans.leads import NOT_OFFERED
from tas.plans.models import Outcome, SharedPlan
from tas.plans.outcomes.rules import DRIFT_DECISIONS

NO_LEAD = "No lead practitioner yet"


class PlanForm(RecordForm):
    """The lead practitioner and the next review: what changes on an open plan."""

    lead_practitioner = select(
        "Lead practitioner",
        description="The link worker or practitioner the family agreed will lead the plan",
        invalid_choice_message=NOT_OFFERED,
    )
    next_review_on = GovDateField(
        "Next review date",
        missing="Enter the next review date",
        description="The plan review opens for this date and moves with it. The date offered "
        "follows the partnership's plan review rule. For example, 27 3 2027",
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def __init__(self, *args, leads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_practitioner.choices = [*options([], NO_LEAD), *people(leads)]

    @staticmethod
    def data_from(plan: SharedPlan) -> dict:
        return {
            "lead_practitioner": str(plan.lead_practitioner_id or ""),
            "next_review_on": plan.next_review_on,
            "version": plan.version,
        }

    def values(self) -> dict:
        return {
            "lead_practitioner_id": record_id(self.lead_practitioner.data),
            "next_review_on": self.next_review_on.data,
        }


class StartPlanForm(PlanForm):
    # Never shown as an input: carries the message when the child already has an open plan.
    open_plan = HiddenField(id="open-plan")
    started_on = GovDateField(
        "Start date",
        missing="Enter the date the plan started",
        description="For example, 8 9 2026",
    )
    submit = SubmitField("Start the plan", widget=GovSubmitInput())

    def values(self) -> dict:
        return {**super().values(), "started_on": self.started_on.data}


class ClosePlanForm(RecordForm):
    closed_on = GovDateField("Date the plan closed", missing="Enter the date the plan closed")
    closure_reason = text_area(
        "Why the plan is closing",
        longest=2000,
        missing="Enter why the plan is closing",
        description="In plain words: the family will read this in their closure letter.",
    )
    returned_to_level = RadioField(
        "What level of need does the child return to?",
        widget=GovRadioInput(),
        choices=[],
        validators=[DataRequired("Select the level of need the child returns to")],
        invalid_choice_message="Select the level of need the child returns to",
        description="It is recorded in the child's history of levels of need",
    )
    submit = SubmitField("Close the plan", widget=GovSubmitInput())

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.returned_to_level.choices = options(levels)

    @staticmethod
    def data_from(plan: SharedPlan) -> dict:
        return {
            "closed_on": plan.closed_on,
            "closure_reason": plan.closure_reason or "",
            "returned_to_level": plan.returned_to_level,
            "version": plan.version,
        }

    def values(self) -> dict:
        return {
            "closed_on": self.closed_on.data,
            "closure_reason": self.closure_reason.data,
            "returned_to_level": self.returned_to_level.data,
        }


SCALE = "0 means things could not be worse; 10 means the outcome has been achieved"


def score_field(label: str, missing: str | None = None, *, scores=None) -> StringField:
    """A 0-10 score; given the outcome's `scores` so far, its hint starts with the last one."""
    return StringField(
        label,
        description=SCALE if scores is None else score_hint(scores),
        widget=GovTextInput(),
        filters=[stripped],
        validators=[DataRequired(missing)] if missing else [],
    )


def score_hint(scores) -> str:
    """The hint of a score for an outcome with these scores (oldest first): the last score and
    its date, so the score now is given beside it, then the scale."""
    if not scores:
        return f"This is the outcome's first score. {SCALE}"
    last = scores[-1]
    return f"Last scored {last.score} out of 10, on {long_date(last.scored_on)}. {SCALE}"


def parsed_score(value: str | None) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,2}", value) or int(value) > 10:
        raise ValidationError("Enter a score from 0 to 10, as a whole number")
    return int(value)


class OutcomeForm(SentOnce, RecordForm):
    statement = text_area(
        "What should change",
        longest=1000,
        missing="Enter what should change for the child",
        description="The outcome, in words the family would use",
    )
    score = score_field("Score now, from 0 to 10 (optional)")
    scored_on = GovDateField("Date of the score", description="For example, 8 9 2026")
    markers = markers_field()
    submit = SubmitField("Add the outcome", widget=GovSubmitInput())

    def validate_score(self, field) -> None:
        parsed_score(field.data)

    @staticmethod
    def data_from(outcome: Outcome) -> dict:
        return {"statement": outcome.statement, "markers": markers_from(outcome)}

    def values(self) -> dict:
        return {
            "statement": self.statement.data,
            "score": parsed_score(self.score.data),
            "scored_on": self.scored_on.data,
            **marker_values(self.markers.data),
        }


class ScoreForm(SentOnce, RecordForm):
    score = score_field("Score, from 0 to 10", "Enter a score from 0 to 10")
    scored_on = GovDateField("Date of the score", missing="Enter the date of the score")
    what_changed = text_area(
        "What has changed (optional)",
        longest=1000,
        description="Since the last score, in the family's words where you can",
    )
    submit = SubmitField("Add the score", widget=GovSubmitInput())

    def validate_score(self, field) -> None:
        parsed_score(field.data)

    def values(self) -> dict:
        return {
            "score": parsed_score(self.score.data),
            "scored_on": self.scored_on.data,
            "what_changed": self.what_changed.data or None,
        }


class DriftDecisionForm(SentOnce, DecisionForm):
    """What was decided about a plan that drifted."""

    decision = choice("What was decided", DRIFT_DECISIONS, "Select what was decided about the plan")
    detail = text_area(
        "The new approach, or the reasons",
        longest=2000,
        missing="Enter the new approach, or the reasons for the decision",
        description="What will be done differently and by whom, or why the plan continues",
    )
