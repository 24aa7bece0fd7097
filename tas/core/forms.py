"""The base form: rejects unusable characters and restores what was typed before a timeout."""

from __future__ import annotations

import re
from datetime import date

from flask import flash, request, session
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SubmitField

from tas.core.pending_forms import take_pending_form

UNUSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
RESTORE_KEY = "restore_form"


class TasForm(FlaskForm):
    """Every form in the service builds on this one."""

    def __init__(self, *args, **kwargs):
        if "formdata" not in kwargs and request.method == "GET" and session.get(RESTORE_KEY):
            restored = _restored_fields()
            if restored is not None:
                kwargs["formdata"] = MultiDict(restored)
        super().__init__(*args, **kwargs)

    def show_too(self, problems: dict[str, str]) -> None:
        """Put problems the save would find beside the fields that have none yet: with the
        form's own errors, every problem shows at once, not one batch after another."""
        for name, message in problems.items():
            if name in self and not self[name].errors:
                self[name].errors = [message]

    # Whether an answer holds characters no record may keep (set by validate): the save's own
    # checks are then not run on the answers (tas.core.editing.all_at_once), since a database
    # would refuse even to search for them.
    unusable = False

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            for raw in field.raw_data or []:
                if isinstance(raw, str) and UNUSABLE.search(raw):
                    field.errors = [
                        f"{plain_name(field)} contains characters that cannot be used: "
                        "retype it rather than pasting it"
                    ]
                    valid = False
                    self.unusable = True
                    break
        return valid


def plain_name(field) -> str:
    """A field's question as an error message names it (see plain_name_of)."""
    return plain_name_of(field.label.text, field.validators)


def plain_name_of(label: str, validators) -> str:
    """A question's name as an error message says it (docs/architecture.md, "Habits"): the name
    its length check was given (`called`, tas.core.fields.too_long), else its label without
    "(optional)"; a question asked as a question, with no such name, is "Your answer"."""
    for validator in validators or ():
        called = getattr(validator, "called", None)
        if called:
            return called
    label = label.removesuffix(" (optional)")
    return "Your answer" if label.endswith("?") else label


def _restored_fields() -> list[tuple[str, str]] | None:
    if not current_user.is_authenticated:
        return None
    session.pop(RESTORE_KEY, None)
    fields = take_pending_form(current_user.id, request.path)
    if fields is not None:
        flash(
            "You were signed out before this form was sent. Check what you typed and send it "
            "again.",
            "info",
        )
    return fields


class SafeGovDateInput(GovDateInput):
    """GovDateInput that does not crash when a post leaves the date out (docs/stack.md pitfall 3),
    and shows a saved date when a change form is opened."""

    def __call__(self, field, **kwargs):
        if not field.raw_data and isinstance(field.data, date):
            # Opened from a saved record: show its date in the boxes.
            field.raw_data = [str(field.data.day), str(field.data.month), str(field.data.year)]
        else:
            field.raw_data = [*(field.raw_data or []), "", "", ""][:3]
        return super().__call__(field, **kwargs)


class RecordForm(TasForm):
    """A form that adds or changes one record, remembering the version it was loaded with."""

    # The error summary for a stale edit links to the comparison of both versions.
    version = HiddenField(id="saved-version")

    def loaded_version(self) -> int | None:
        """The record's version when the form was opened, or None when it is missing."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def show(self, problems: dict[str, str]) -> None:
        """Put problems found when saving beside the fields they are about."""
        for name, message in problems.items():
            self[name].errors = [message]

    def applies(self, name: str, saved: RecordForm) -> bool:
        """Whether a question applies to this version or the saved one, so that comparing
        them after a stale edit shows it (a form whose questions depend on an answer, like a
        user's role, says which do not)."""
        return True


class ButtonForm(TasForm):
    """A form that is only a button (its CSRF token is the point): deactivate, send a new
    link, mark as read, try again."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
