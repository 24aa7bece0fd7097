"""Forms for GP notifications: sending one from the app, recording one given another way, and
the practice's reply about health services."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, HiddenField, SubmitField

from tas.core.fields import GovDateField, choice, text_area
from tas.core.forms import RecordForm, TasForm
from tas.plans.gp import rules as gp_rules
from tas.plans.models import GpNotification


class _WhichKind(TasForm):
    # The kind the page offered: a second click finds it already sent instead of sending the
    # next thing waiting.
    kind = HiddenField()

    def show(self, problems: dict[str, str]) -> None:
        for name, message in problems.items():
            self[name].errors = [message]


class SendForm(_WhichKind):
    reason = choice(
        "Reason for early help",
        gp_rules.REASONS,
        "Select the reason for early help",
        description="The email gives only this category, not the details",
    )
    ask_health_services = BooleanField(
        "Ask the practice which health services are involved with this child",
        widget=GovCheckboxInput(),
        default=True,
    )
    submit = SubmitField("Send to the GP practice", widget=GovSubmitInput())

    def values(self) -> dict:
        return {"reason": self.reason.data, "ask": bool(self.ask_health_services.data)}


class ByHandForm(_WhichKind):
    sent_on = GovDateField(
        "Date the practice was told",
        missing="Enter the date the practice was told",
        description="For example, 12 10 2026",
    )
    method = choice("How the practice was told", gp_rules.HAND_METHODS, "Select how it was given")
    record = SubmitField("Record it", widget=GovSubmitInput())

    def values(self) -> dict:
        return {"sent_on": self.sent_on.data, "method": self.method.data}


class ReplyForm(RecordForm):
    health_services_reply = text_area(
        "Which health services are involved with this child?",
        longest=2000,
        called="Your answer about health services",
        missing="Enter which health services are involved, or that you know of none",
        description="Your answer is shown to the team around the child",
    )
    submit = SubmitField("Send the answer", widget=GovSubmitInput())

    @staticmethod
    def data_from(notification: GpNotification) -> dict:
        return {
            "health_services_reply": notification.health_services_reply or "",
            "version": notification.version,
        }

    def values(self) -> dict:
        return {"health_services_reply": self.health_services_reply.data}
