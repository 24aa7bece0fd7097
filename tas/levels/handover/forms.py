"""The handover (TAF) meeting's booking form: a meeting's arrangements as any booking asks them
(tas.meetings.booking.forms), at the child's school and of the TAF kind already, with the
agencies involved with the child to invite."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput
from wtforms import HiddenField, SelectChoice, SelectMultipleField, SubmitField

from tas.core.choices import record_id
from tas.levels.handover.services import Invitee
from tas.meetings.booking.forms import BookingForm


class HandoverForm(BookingForm):
    """The arrangements, and which of the agencies involved with the child to invite."""

    # Never an input: carries why the child cannot go on the agenda (no agreement, say).
    child = HiddenField(id="agenda-child")
    invite = SelectMultipleField(
        "Agencies to invite",
        description="The agencies involved with the child, from the shared plan. Each named "
        "practitioner is invited for their agency; otherwise the agency's contact address is.",
        widget=GovCheckboxesInput(),
        choices=[],
        invalid_choice_message="Select agencies from the list of those involved with the child",
    )
    submit = SubmitField("Book the handover (TAF) meeting", widget=GovSubmitInput())

    def __init__(self, *args, invitees: list[Invitee] = (), **kwargs):
        super().__init__(*args, **kwargs)
        del self.school  # the child's school
        del self.kind  # a TAF / handover meeting
        self.invite.choices = [
            SelectChoice(str(invitee.agency.id), invitee.label) for invitee in invitees
        ]
        if not invitees:
            del self.invite

    def values(self) -> dict:
        return self.arrangement_values()

    def agency_ids(self) -> list[int]:
        if "invite" not in self:
            return []
        # An answer that is no id is the field's own error, never a number here.
        chosen = {record_id(value) for value in self.invite.data or ()}
        return sorted(chosen - {None})
