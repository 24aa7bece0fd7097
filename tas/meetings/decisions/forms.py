"""The form that closes a decision in a meeting's minutes with nothing left to record."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
)
from wtforms import (
    SubmitField,
)

from tas.core.fields import text_area
from tas.core.forms import TasForm
from tas.levels.decisions.rules import CLOSE_REASON_NEEDED, REASON_LONGEST


class CloseDecisionForm(TasForm):
    """Close a decision in the minutes that has nothing left to record, with the reason."""

    reason = text_area(
        "Why is this decision closed without a referral or a step change?",
        longest=REASON_LONGEST,
        called="The reason for closing the decision",
        missing=CLOSE_REASON_NEEDED,
        description=(
            "For example, it was recorded elsewhere or is no longer needed. This stays in the "
            "service: it is never sent in an email or a calendar."
        ),
    )
    submit = SubmitField("Close the decision", widget=GovSubmitInput())
