"""Fields the children's forms share: GOV.UK dates, identifiers and optional text."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovTextInput
from wtforms import StringField, TextAreaField

from tas.children import rules
from tas.core.fields import normalised, stripped, too_long

NHS_NUMBER_HINT = "10 digits, like 943 476 5919"
UPN_HINT = "13 characters, like B801200005001"


def optional_note(label: str, longest: int, description: str | None = None) -> TextAreaField:
    """An optional paragraph with a character count."""
    return TextAreaField(
        label,
        description=description,
        widget=GovCharacterCount(),
        filters=[stripped],
        validators=[too_long(label, longest)],
    )


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
