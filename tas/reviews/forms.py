"""Forms for reviews: the review rules a coordinator changes, completing a review (with a plan
review's outcome scores), and the filters of the review lists."""

from __future__ import annotations

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from tas.core.choices import SchoolsOffered, label
from tas.core.fields import GovDateField, filter_select, options, stripped, text_area
from tas.core.forms import RecordForm, TasForm
from tas.core.submissions import SentOnce
from tas.plans.forms import parsed_score, score_field
from tas.reviews import rules
from tas.reviews.completion import offered
from tas.reviews.rules import RuleInForce

# ---------------------------------------------------------------- the review rules


def _amount_field(event_label: str) -> StringField:
    return StringField(
        f"{event_label}: how long",
        widget=GovTextInput(),
        filters=[stripped],
    )


def _unit_field(event_label: str) -> RadioField:
    return RadioField(
        f"{event_label}: counted in",
        widget=GovRadioInput(),
        choices=options(rules.UNITS),
        validate_choice=False,  # checked with the amount by rules.rule_problems
    )


class CarriesRuleVersions(RecordForm):
    """A form about the review rules: `version` carries the versions of all four rules as the
    page was opened ("2.0.0.1"; 0 for a rule at its default)."""

    def loaded_versions(self) -> str:
        return (self.version.data or "").strip()[:100]


class RulesForm(CarriesRuleVersions):
    """The four review rules: for each, how long after its event the review is due."""

    submit = SubmitField("Save the review rules", widget=GovSubmitInput())

    EVENTS = tuple(rule.event for rule in rules.DEFAULT_RULES)

    @staticmethod
    def data_from(in_force: dict[str, RuleInForce], versions: str) -> dict:
        data: dict = {"version": versions}
        for event, rule in in_force.items():
            data[f"{event}_amount"] = str(rule.amount)
            data[f"{event}_unit"] = rule.unit
        return data

    def values(self) -> dict[str, tuple[int | None, str | None]]:
        """Event -> (amount, unit) as typed; an amount that is not a whole number is None."""
        typed = {}
        for event in self.EVENTS:
            raw = self[f"{event}_amount"].data or ""
            # A minus sign is read, so that -5 is told it must be 1 or more.
            amount = int(raw) if re.fullmatch(r"-?[0-9]{1,4}", raw) else None
            typed[event] = (amount, self[f"{event}_unit"].data or None)
        return typed


for _rule in rules.DEFAULT_RULES:
    _label = label(rules.EVENTS, _rule.event)
    setattr(RulesForm, f"{_rule.event}_amount", _amount_field(_label))
    setattr(RulesForm, f"{_rule.event}_unit", _unit_field(_label))


class ResetRuleForm(CarriesRuleVersions):
    """Put one rule back to its default (carries the versions of the rules, like RulesForm)."""

    rule = StringField()
    submit = SubmitField("Reset to the default", widget=GovSubmitInput())


# ---------------------------------------------------------------- completing a review


def _score_given(value: str | None) -> int | None:
    """A score as typed, or None where it is not one (the field's own error says so, and the
    completion's checks still run on the other answers)."""
    try:
        return parsed_score(value)
    except ValidationError:
        return None


class CompletionForm(SentOnce, RecordForm):
    """The outcome, notes and date of a review; subclassed per review with its outcomes and,
    for a plan review, a score for each outcome of the plan (see completion_form)."""

    outcome = RadioField(
        "Outcome",
        widget=GovRadioInput(),
        choices=[],
        validators=[DataRequired("Select the outcome of the review")],
        invalid_choice_message="Select the outcome of the review",
    )
    completed_on = GovDateField(
        "Date it was completed",
        missing="Enter the date the review was completed",
        description="For example, 27 11 2026",
    )
    notes = text_area(
        "Notes (optional)",
        longest=2000,
        description="What was decided. Do not repeat what is already on the plan.",
    )
    next_on = GovDateField("Next review date")
    # A plan review hears the child and the family (left out of other reviews' forms).
    child_says = text_area(
        "What the child says (optional)",
        longest=2000,
        description="Their wishes and feelings about the plan, in their own words",
    )
    family_says = text_area(
        "What the family says (optional)",
        longest=2000,
        description="In the parent's or carer's own words",
    )
    submit = SubmitField("Complete the review", widget=GovSubmitInput())

    score_names: tuple[tuple[int, str], ...] = ()  # (outcome id, field name)

    def values(self) -> dict:
        return {
            "outcome": self.outcome.data,
            "completed_on": self.completed_on.data,
            "notes": self.notes.data,
            "next_on": self.next_on.data if "next_on" in self else None,
            "child_says": self.child_says.data or None if "child_says" in self else None,
            "family_says": self.family_says.data or None if "family_says" in self else None,
            "scores": {
                outcome_id: _score_given(self[name].data) for outcome_id, name in self.score_names
            },
            "changes": {
                outcome_id: self[f"changed_{outcome_id}"].data or None
                for outcome_id, _ in self.score_names
            },
        }

    @property
    def score_fields(self) -> list:
        """Each outcome's score field, and beside it what has changed."""
        return [
            (self[name], self[f"changed_{outcome_id}"]) for outcome_id, name in self.score_names
        ]


def completion_form(kind: str, outcomes, *, next_label: str | None, **kwargs) -> CompletionForm:
    """The completion form for a review of this kind: its outcomes as choices, a score field
    per outcome of the plan (plan reviews), and the next date question when there is one."""
    fields: dict = {}
    names = []
    for outcome in outcomes:
        name = f"score_{outcome.id}"
        fields[name] = score_field(
            f"Score now for: {_short(outcome.statement)}",
            "Enter a score from 0 to 10 for each outcome",
            scores=outcome.scores,
        )
        fields[f"validate_{name}"] = lambda self, field: parsed_score(field.data)
        fields[f"changed_{outcome.id}"] = text_area(
            f"What has changed for: {_short(outcome.statement)}",
            longest=1000,
            called="What has changed",
            missing="Enter what has changed for each outcome",
            description="Since the last score, in the family's words where you can",
        )
        names.append((outcome.id, name))
    fields["score_names"] = tuple(names)
    form_class = type("CompletionFormFor", (CompletionForm,), fields)
    form = form_class(**kwargs)
    form.outcome.choices = options(offered(kind))
    if kind != "plan_review":
        del form.child_says
        del form.family_says
    if next_label is None:
        del form.next_on
    else:
        form.next_on.label.text = next_label
    return form


def _short(statement: str, longest: int = 120) -> str:
    text = " ".join(statement.split())
    return text if len(text) <= longest else text[: longest - 1].rstrip() + "…"


# ---------------------------------------------------------------- the lists' filters


class ReviewFilterForm(TasForm):
    """The list's view and scope, sent as a GET query string: each value must be one offered."""

    class Meta:
        csrf = False

    show = filter_select("Show", "Select which reviews to show from the list")
    school = filter_select("School", "Select a school from the list")
    cluster = filter_select("Cluster", "Select a cluster from the list")

    def __init__(self, views, schools: SchoolsOffered, clusters, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.show.choices = [SelectChoice(code, label) for code, label in views]
        self.school.choices = [
            SelectChoice("", "All your schools"),
            *(SelectChoice(code, label) for code, label in schools.schools),
        ]
        self.school.description = schools.hint
        self.cluster.choices = [
            SelectChoice("", "All your clusters"),
            *(SelectChoice(code, label) for code, label in clusters),
        ]
        if not schools.schools and not schools.hint:
            del self.school
        if not clusters:
            del self.cluster
