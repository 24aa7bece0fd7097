"""The form of a dated decision with its reasons: what was decided (radios a subclass names),
what it means or why (`detail`), and the day. The decisions that answer a flag use it."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from tas.core.fields import GovDateField
from tas.core.forms import RecordForm


class DecisionForm(RecordForm):
    """Subclasses add `decision` (radios) and `detail` (a text area), in the order asked."""

    decided_on = GovDateField(
        "Date of the decision",
        missing="Enter the date of the decision",
        description="For example, 8 12 2026",
    )
    submit = SubmitField("Save the decision", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "decision": self["decision"].data,
            "detail": self["detail"].data,
            "decided_on": self.decided_on.data,
        }
