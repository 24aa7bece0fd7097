"""The add and change pages every record shares, and the answer to a stale edit.

A change form carries the version of the record it was opened with. When someone else saved the
record in the meantime (seen by comparing versions, or as StaleDataError when both saves race),
nothing is saved: the form comes back (409) with everything the person typed, a table of their
answers beside the saved version, and the new version, so saving again is a deliberate choice
(docs/security.md I35, I36). Other problems come back beside the fields they are about.

`add_page` and `change_page` are whole pages; `submit_new` and `submit_change` are the same
steps for views that render the page themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request
from wtforms import BooleanField, DateField, Field, ValidationError
from wtforms.fields.choices import SelectFieldBase

from tas.core import submissions
from tas.core.forms import RecordForm, TasForm
from tas.core.use_cases import Refused, StaleEdit
from tas.core.words import local_date
from tas.extensions import db

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


@dataclass
class Submitted:
    """How a form's submission went: saved, or shown again (with both versions when stale)."""

    saved: bool = False
    comparison: list[Difference] | None = None
    status: int = 200
    changed: bool = True  # False when the form came back as it was: there was nothing to save


NOTHING_CHANGED = "You did not change anything, so nothing has been saved"


def saved_banner(result: Submitted, saved: str) -> None:
    """The banner after a change form: what was saved, or that nothing was (the form was sent
    as it was opened), so no one believes an empty save recorded something."""
    if result.changed:
        flash(saved, "success")
    else:
        flash(NOTHING_CHANGED, "info")


def found(model: type, record_id: int):
    """The record with this id, or a 404 page."""
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    return row


def reloaded(row):
    """The record as saved now, over what this request loaded (after a stale edit)."""
    return db.session.get(type(row), row.id, populate_existing=True)


NOT_CHOSEN = "Not chosen"


def compare(yours: RecordForm, saved: RecordForm) -> list[Difference]:
    """Each field of the form as typed beside the same field filled from the saved record; a
    question that applies to neither (RecordForm.applies), or is blank in both (like a school
    for a practitioner), says nothing, so it is left out."""
    rows = (
        Difference(field.label.text, shown(field), shown(saved[field.name]))
        for field in yours
        if field.type not in NOT_COMPARED and yours.applies(field.name, saved)
    )
    return [row for row in rows if not (row.yours in BLANK and row.saved in BLANK)]


KEPT_APART = frozenset({"version", "submission"})  # the form's own bookkeeping, not answers


def holds_what_was_sent(yours: RecordForm, saved: RecordForm) -> bool:
    """Whether the record as saved now already holds every answer sent (hidden ones too), in
    the words the form shows them."""
    return all(
        shown(field) == shown(saved[field.name])
        for field in yours
        if field.type not in ("CSRFTokenField", "SubmitField")
        and field.name not in KEPT_APART
        and yours.applies(field.name, saved)
    )


def shown(field: Field) -> str:
    """A field's value in the words the form shows for it."""
    if isinstance(field, BooleanField):
        return "Yes" if field.data else "No"
    if isinstance(field, DateField):
        return local_date(field.data)
    if isinstance(field, SelectFieldBase):
        labels = [c.label for c in field.iter_choices() if c.selected and c.value != ""]
        return ", ".join(labels) or NOT_CHOSEN
    return "" if field.data is None else str(field.data)


BLANK = frozenset({"", NOT_CHOSEN})


# The save's own checks, `check(values)` -> field -> problem: run on the answers when some
# need putting right already, so that the rest show with them (they must cope with None for an
# answer the form refused).
Check = Callable[[dict], dict[str, str]]


def all_at_once(form: TasForm, check: Check | None) -> None:
    """Show what `check` finds beside the form's own errors, when the answers can be read at
    all (an answer that is not even a number, or holds characters that cannot be used, leaves
    it to the form's own error). An answer the form refused reaches the check as None, never
    as sent: a school the person may not choose, or text past its limit, is never searched."""
    if check is None or not form.is_submitted() or form.unusable:
        return
    refused = [field for field in form if field.errors]
    sent = [field.data for field in refused]
    try:
        for field in refused:
            field.data = None
        values = form.values()
    except (AttributeError, TypeError, ValueError, ValidationError):
        return
    finally:
        for field, data in zip(refused, sent, strict=True):
            field.data = data  # the page shows what was typed
    try:
        found = check(values)
    except (TypeError, ValueError) as error:
        # A check that cannot read an answer the form refused says nothing more: the save
        # itself runs every check again once the form's own errors are put right. Logged (the
        # kind of error only) so that the check can be mended.
        current_app.logger.warning(
            "A check beside the form's errors could not run: %s", type(error).__name__
        )
        return
    form.show_too(found)


def submit_new(
    form: RecordForm, add: Callable[[dict], object], *, check: Check | None = None
) -> object | None:
    """Validate an add form and save it through `add(values)`: the new record, or None."""
    if not form.validate_on_submit():
        all_at_once(form, check)
        return None
    submissions.refuse_if_used()  # a form sent again says so, before any other check
    try:
        return add(form.values())
    except Refused as refused:
        form.show(refused.problems)
        return None


def submit_change(
    form: RecordForm,
    row,
    change: Callable[[int | None, dict], object],
    *,
    thing: str,
    saved_form: Callable[[object], RecordForm],
    check: Check | None = None,
) -> Submitted:
    """Validate a change form and save it through `change(version, values)`; a stale edit
    comes back with the saved version beside what was typed."""
    if not form.validate_on_submit():
        all_at_once(form, check)
        return Submitted()
    try:
        outcome = change(form.loaded_version(), form.values())
    except Refused as refused:
        form.show(refused.problems)
        return Submitted()
    except StaleEdit:
        fresh = reloaded(row)
        if fresh is None:
            abort(404)
        saved = saved_form(fresh)
        if holds_what_was_sent(form, saved):
            # The form sent twice (a double click, the back button), or a colleague saved the
            # very same answers: nothing of this person's would be lost, so it is saved.
            return Submitted(saved=True)
        comparison = compare(form, saved)
        form.version.data = str(fresh.version)
        form.version.errors = [f"Someone else changed this {thing} while you were editing it"]
        return Submitted(comparison=comparison, status=409)
    # A change service answers an empty list or dict when nothing differed from the record.
    return Submitted(saved=True, changed=not (isinstance(outcome, dict | list) and not outcome))


def add_page(
    form_class: type[RecordForm],
    add: Callable[[dict], object],
    *,
    template: str,
    done: str,
    added: str = "{} has been added",
    check: Check | None = None,
    **context,
):
    """Show the add form; save it through `add` and go to `done`, or show what to put right."""
    form = form_class()
    if not form.validate_on_submit():
        all_at_once(form, check)
    else:
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
    change: Callable[[int | None, dict], object],
    *,
    thing: str,
    template: str,
    done: str,
    saved: str | None = None,
    form_args: dict | None = None,
    check: Check | None = None,
    **context,
):
    """Show the change form; save it through `change(version, values)` and go to `done` with
    `saved` (or "<name> has been saved"), refusing a stale edit with a 409."""
    form_args = form_args or {}
    # Opening the page fills the form from the record; a post holds only what was sent.
    opened = form_class.data_from(row) if request.method == "GET" else None
    form = form_class(data=opened, **form_args)
    result = submit_change(
        form,
        row,
        change,
        thing=thing,
        saved_form=lambda fresh: form_class(
            formdata=None, data=form_class.data_from(fresh), **form_args
        ),
        check=check,
    )
    if result.saved:
        saved_banner(result, saved or f"{row.name} has been saved")
        return redirect(done)
    page = render_template(template, form=form, record=row, comparison=result.comparison, **context)
    return page, result.status
