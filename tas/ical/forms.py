"""The coordinators' export form: which meetings, over which dates, as a calendar or a
spreadsheet."""

from __future__ import annotations

from datetime import timedelta

from flask import request
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SelectChoice, SelectField, SubmitField

from tas.core.fields import GovDateField, LongSelect
from tas.core.forms import TasForm

LONGEST_RANGE = timedelta(days=2 * 366)  # what one export may cover


class ExportForm(TasForm):
    """Which meetings to export (a GET query string: nothing changes)."""

    class Meta:
        csrf = False

    school = SelectField(
        "School",
        widget=LongSelect(),
        choices=[],
        default="",
        invalid_choice_message="Select a school from the list",
    )
    cluster = SelectField(
        "Cluster",
        widget=LongSelect(),
        choices=[],
        default="",
        invalid_choice_message="Select a cluster from the list",
    )
    starts_on = GovDateField("From", missing="Enter the first day of the meetings to export")
    ends_on = GovDateField("To", missing="Enter the last day of the meetings to export")
    ics = SubmitField("Download a calendar file (.ics)", widget=GovSubmitInput())
    spreadsheet = SubmitField("Download a spreadsheet (.csv)", widget=GovSubmitInput())

    def __init__(self, offered, **kwargs):
        super().__init__(formdata=request.args or None, **kwargs)
        self.school.choices = [SelectChoice("", "All schools")] + [
            SelectChoice(o.code, o.label) for o in offered.schools
        ]
        self.cluster.choices = [SelectChoice("", "All clusters")] + [
            SelectChoice(o.code, o.label) for o in offered.clusters
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        first, last = self.starts_on.data, self.ends_on.data
        if valid and last < first:
            self.ends_on.errors = ["The last day must be the same as or after the first day"]
            return False
        if valid and last - first > LONGEST_RANGE:
            self.ends_on.errors = ["Export at most 2 years of meetings at a time"]
            return False
        return valid
