"""Saving a change form, and what happens when someone else saved the record first.

A change form carries the version of the record it was opened with. When someone else saved the
record in the meantime (seen by comparing versions, or as StaleDataError when both saves race),
nothing is saved: the form comes back (409) with everything the person typed, a table of their
answers beside the saved version, and the new version, so saving again is a deliberate choice
(docs/security.md I35, I36). Other problems come back beside the fields they are about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tas.core import submissions
from tas.extensions import db
from tas.organisations.editing import Difference, compare
from tas.organisations.forms import RecordForm
from tas.plans.services import Refused, StaleEdit


@dataclass
class Outcome:
    """How a change form's submission went."""

    saved: bool = False
    comparison: list[Difference] | None = None
    status: int = 200


def submit_change(
    form: RecordForm,
    row,
    change: Callable[[int | None, dict], object],
    *,
    thing: str,
    saved_form: Callable[[object], RecordForm],
) -> Outcome:
    """Validate the form and save it through `change(version, values)`."""
    if not form.validate_on_submit():
        return Outcome()
    try:
        change(form.loaded_version(), form.values())
    except Refused as refused:
        form.show(refused.problems)
        return Outcome()
    except StaleEdit:
        fresh = db.session.get(type(row), row.id, populate_existing=True)
        comparison = compare(form, saved_form(fresh))
        form.version.data = str(fresh.version)
        form.version.errors = [f"Someone else changed this {thing} while you were editing it"]
        return Outcome(comparison=comparison, status=409)
    return Outcome(saved=True)


def submit_new(form: RecordForm, add: Callable[[dict], object]) -> object | None:
    """Validate an add form and save it through `add(values)`: the new record, or None."""
    if not form.validate_on_submit():
        return None
    submissions.refuse_if_used()  # a form sent again says so, before any other check
    try:
        return add(form.values())
    except Refused as refused:
        form.show(refused.problems)
        return None
