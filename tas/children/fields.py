"""Fields the children's forms share: GOV.UK dates, identifiers and optional text."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovTextInput
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import Length

from tas.children import rules
from tas.core.forms import SafeGovDateInput
from tas.organisations.forms import normalised

NHS_NUMBER_HINT = "10 digits, like 943 476 5919"
UPN_HINT = "13 characters, like B801200005001"


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def too_long(label: str, longest: int) -> Length:
    """The GOV.UK message for text that is too long, naming the question without "(optional)"."""
    name = label.removesuffix(" (optional)")
    return Length(max=longest, message=f"{name} must be {longest} characters or fewer")


def optional_text(label: str, longest: int, description: str | None = None) -> StringField:
    """An optional line of text, trimmed, with the GOV.UK message for too long."""
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        filters=[stripped],
        validators=[too_long(label, longest)],
    )


def optional_note(label: str, longest: int, description: str | None = None) -> TextAreaField:
    """An optional paragraph with a character count."""
    return TextAreaField(
        label,
        description=description,
        widget=GovCharacterCount(),
        filters=[stripped],
        validators=[too_long(label, longest)],
    )


def blank_as_none(value: str | None) -> str | None:
    return value or None


class DayMonthYearField(DateField):
    """A GOV.UK date input: blank is no date (or "missing" when required), and each problem
    gets its own message, as the design system asks."""

    def __init__(self, label: str, *, missing: str | None = None, **kwargs):
        super().__init__(label, format="%d %m %Y", widget=SafeGovDateInput(), **kwargs)
        self.missing = missing

    def process_formdata(self, valuelist) -> None:
        parts = [str(part).strip() for part in ([*valuelist, "", "", ""])[:3]]
        self.data = None
        if not any(parts):
            if self.missing:
                raise ValueError(self.missing)
            return
        absent = [
            name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part
        ]
        if absent:
            raise ValueError(f"{self.label.text} must include a {' and a '.join(absent)}")
        day, month, year = parts
        digits = all(part.isascii() and part.isdigit() for part in parts)
        if not digits or len(day) > 2 or len(month) > 2 or len(year) != 4:
            raise ValueError(f"{self.label.text} must be a real date")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a real date") from error


def nhs_number_field(label: str) -> StringField:
    return StringField(
        label,
        description=NHS_NUMBER_HINT,
        widget=GovTextInput(),
        filters=[normalised(rules.normalise_nhs_number)],
    )


def upn_field(label: str) -> StringField:
    return StringField(
        label,
        description=UPN_HINT,
        widget=GovTextInput(),
        filters=[normalised(rules.normalise_upn)],
    )
