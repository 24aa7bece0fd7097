"""The form of a dated decision with its reasons: what was decided (radios a subclass names),
what it means or why (`detail`), and the day. The decisions that answer a flag use it."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from tas.core.fields import GovDateField
from tas.core.forms import RecordForm

FUTURE = "The date of the decision must be today or in the past"


def decided_in_future(decided_on, today) -> dict[str, str]:
    """The problem with a decision dated after today, for `refuse_if` (none when it is not)."""
    return {"decided_on": FUTURE} if decided_on is not None and decided_on > today else {}


class DecisionForm(RecordForm):
    """Subclasses add `decision` (radios) and `detail` (a text area), in the order asked."""

    decided_on = GovDateField(
        "Date of the decision",
        missing="Enter the date of the decision",
        description="For example, 27 3 2026",
    )
    submit = SubmitField("Save the decision", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "decision": self["decision"].data,
            "detail": self["detail"].data,
            "decided_on": self.decided_on.data,
        }
