"""The change pages for a child's records, with the admin screens' answer to a stale edit.

tas.organisations.editing.change_page is tied to records with a `name` and a fixed form
constructor; children's forms need more (today's date, the schools to choose from), so this is
the same flow with the form's arguments passed through. The comparison reuses its pieces.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request
from wtforms import DateField

from tas.children.records import Refused, StaleEdit
from tas.core.templating import format_local_date
from tas.extensions import db
from tas.organisations.editing import NOT_COMPARED, Difference, shown
from tas.organisations.forms import RecordForm


def change_page(
    row,
    form_class: type[RecordForm],
    change: Callable[[int | None, dict], object],
    *,
    thing: str,
    template: str,
    done: str,
    saved: str,
    form_args: dict | None = None,
    **context,
):
    """Show the change form; save it through `change`, refusing a stale edit with a 409 that
    shows both versions and keeps everything the person typed."""
    form_args = form_args or {}
    opened = form_class.data_from(row) if request.method == "GET" else None
    form = form_class(data=opened, **form_args)
    comparison = None
    status = 200
    if form.validate_on_submit():
        try:
            change(form.loaded_version(), form.values())
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            row = db.session.get(type(row), row.id, populate_existing=True)
            if row is None:
                abort(404)
            theirs = form_class(formdata=None, data=form_class.data_from(row), **form_args)
            comparison = compare(form, theirs)
            form.version.data = str(row.version)
            form.version.errors = [f"Someone else changed this {thing} while you were editing it"]
            status = 409
        else:
            flash(saved, "success")
            return redirect(done)
    page = render_template(template, form=form, record=row, comparison=comparison, **context)
    return page, status


def compare(yours: RecordForm, saved: RecordForm) -> list[Difference]:
    """Each question as this person answered it beside the answer saved now."""
    return [
        Difference(field.label.text, _shown(field), _shown(saved[field.name]))
        for field in yours
        if field.type not in NOT_COMPARED
    ]


def _shown(field) -> str:
    if isinstance(field, DateField):
        return format_local_date(field.data)
    return shown(field)
