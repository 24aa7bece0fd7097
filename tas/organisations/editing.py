"""The add and change pages every admin record shares, including what to do with a stale edit.

A change form carries the version of the record it was opened with. When someone else saved the
record in the meantime nothing is saved: the form comes back (409) with what the person typed,
a table of their changes beside the saved version, and the new version, so saving again is a
deliberate choice to overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request
from wtforms import BooleanField, Field
from wtforms.fields.choices import SelectFieldBase

from tas.extensions import db
from tas.organisations.forms import RecordForm
from tas.organisations.services import Refused, StaleEdit

NOT_COMPARED = frozenset({"CSRFTokenField", "HiddenField", "SubmitField"})


@dataclass(frozen=True)
class Difference:
    """One field as this person typed it and as it is saved now."""

    label: str
    yours: str
    saved: str

    @property
    def differs(self) -> bool:
        return self.yours != self.saved


def found(model: type, record_id: int):
    """The record with this id, or a 404 page."""
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    return row


def add_page(
    form_class: type[RecordForm],
    add: Callable[[dict], object],
    *,
    template: str,
    done: str,
    added: str = "{} has been added",
    **context,
):
    """Show the add form; save it through `add` and go to `done`, or show what to put right."""
    form = form_class()
    if form.validate_on_submit():
        try:
            row = add(form.values())
        except Refused as refused:
            form.show(refused.problems)
        else:
            flash(added.format(row.name), "success")
            return redirect(done)
    return render_template(template, form=form, record=None, comparison=None, **context)


def change_page(
    row,
    form_class: type[RecordForm],
    change: Callable[[object, int | None, dict], object],
    *,
    thing: str,
    template: str,
    done: str,
    **context,
):
    """Show the change form; save it through `change`, refusing a stale edit with a 409."""
    # Opening the page fills the form from the record; a post holds only what was sent.
    saved_data = form_class.data_from(row) if request.method == "GET" else None
    form = form_class(data=saved_data)
    comparison = None
    status = 200
    if form.validate_on_submit():
        try:
            change(row, form.loaded_version(), form.values())
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            row = db.session.get(type(row), row.id, populate_existing=True)
            saved = form_class(formdata=None, data=form_class.data_from(row))
            comparison = compare(form, saved)
            form.version.data = str(row.version)
            form.version.errors = [f"Someone else changed this {thing} while you were editing it"]
            status = 409
        else:
            flash(f"{row.name} has been saved", "success")
            return redirect(done)
    page = render_template(template, form=form, record=row, comparison=comparison, **context)
    return page, status


def compare(yours: RecordForm, saved: RecordForm) -> list[Difference]:
    """Each field of the form as typed beside the same field filled from the saved record."""
    return [
        Difference(field.label.text, shown(field), shown(saved[field.name]))
        for field in yours
        if field.type not in NOT_COMPARED
    ]


def shown(field: Field) -> str:
    """A field's value in the words the form shows for it."""
    if isinstance(field, BooleanField):
        return "Yes" if field.data else "No"
    if isinstance(field, SelectFieldBase):
        labels = [c.label for c in field.iter_choices() if c.selected and c.value != ""]
        return ", ".join(labels) or "None"
    return "" if field.data is None else str(field.data)
