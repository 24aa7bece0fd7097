"""Form fields the plan forms share: GOV.UK dates, long text, choices and sharing markers."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
)
from wtforms import (
    SelectChoice,
    SelectMultipleField,
)

from tas.core.fields import options
from tas.plans import rules


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
