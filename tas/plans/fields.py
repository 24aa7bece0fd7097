"""Form fields the plan forms share: GOV.UK dates, long text, choices and sharing markers."""

from __future__ import annotations

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
)
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from tas.core.forms import SafeGovDateInput
from tas.organisations.forms import options, record_id
from tas.plans import rules

__all__ = ["DayField", "choice", "markers_field", "options", "record_id", "select", "text_area"]


class DayField(DateField):
    """A date typed into GOV.UK day, month and year boxes. Blank boxes mean no date; anything
    else must be a real date. `missing` makes it required, with that message."""

    def __init__(self, label: str, *, missing: str | None = None, **kwargs):
        kwargs.setdefault("widget", SafeGovDateInput())
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist):
        parts = [str(part).strip() for part in valuelist]
        self.data = None
        if not any(parts):
            return
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{self.label.text} must include a day, month and year")
        try:
            self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date") from None
        if self.data.year < 1900:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, with a 4-digit year")

    def pre_validate(self, form) -> None:
        if self.missing and self.data is None and not self.process_errors:
            raise StopValidation(self.missing)


def text_area(label: str, *, longest: int, missing: str | None = None, **kwargs) -> TextAreaField:
    """Long text with a character count; required when `missing` says what to ask for."""
    required = [DataRequired(missing)] if missing else [Optional()]
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            *required,
            Length(max=longest, message=f"{label} must be {longest} characters or fewer"),
        ],
        **kwargs,
    )


def choice(label: str, choices: tuple[rules.Choice, ...], missing: str, **kwargs) -> RadioField:
    """Radios for a fixed list of codes."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=options(choices),
        validators=[DataRequired(missing)],
        invalid_choice_message=missing,
        **kwargs,
    )


def select(label: str, missing: str | None = None, **kwargs) -> SelectField:
    """A select whose choices (records) are filled in when the form is made."""
    fallback = f"Select the {label.lower()} from the list"  # noqa: S608 (words, not SQL)
    kwargs.setdefault("invalid_choice_message", missing or fallback)
    kwargs.setdefault("default", "")  # left out of a post: nothing chosen
    return SelectField(
        label,
        widget=GovSelect(),
        validators=[DataRequired(missing)] if missing else [],
        choices=[],
        **kwargs,
    )


def markers_field() -> SelectMultipleField:
    return SelectMultipleField(
        "Sharing markers",
        description="Leave these blank unless they apply. The family's printed letters leave "
        "out anything not to be disclosed to them and any third-party information.",
        widget=GovCheckboxesInput(),
        choices=options(rules.MARKERS),
        invalid_choice_message="Select only the markers listed",
    )


def markers_from(row) -> list[str]:
    return [marker.code for marker in rules.MARKERS if getattr(row, marker.code)]


def marker_values(codes: list[str] | None) -> dict[str, bool]:
    chosen = set(codes or ())
    return {marker.code: marker.code in chosen for marker in rules.MARKERS}


def people(users) -> list:
    """Choices of people, each with their organisation so two people of one name differ."""
    return [SelectChoice(str(u.id), f"{u.name} ({u.organisation_name})") for u in users]
