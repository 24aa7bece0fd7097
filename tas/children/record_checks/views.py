"""The coordinators' requests to check a record: the list, and one request to mark dealt with
(tas.children.record_checks.services). The pages name no child; the record itself opens only through
the child's page, which asks a coordinator for their reason first."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children import bp, rules
from tas.children.forms import DealtWithForm
from tas.children.record_checks import services as record_checks
from tas.core.use_cases import Refused, StaleEdit


@bp.route("/record-checks", endpoint="record_checks")
def checks():
    """The requests about children at the schools this coordinator covers."""
    if not record_checks.may_see_checks(current_user):
        abort(403)
    page = record_checks.page_of(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "children/record_checks.html",
        page=page,
        reference=rules.check_reference,
        numbers=rules.NUMBER_FIELDS,
    )


def _already(row) -> str:
    if row.dealt_with_by_id == current_user.id:
        return "You have already dealt with this request"
    return record_checks.ALREADY_DEALT_WITH


@bp.route("/record-checks/<int:check_id>", methods=["GET", "POST"], endpoint="record_check")
def check(check_id: int):
    """One request; while it is open, the form to mark it dealt with."""
    row = record_checks.require_check(current_user, check_id)
    reference = rules.check_reference(row.id)
    form = DealtWithForm(data={"version": row.version} if request.method == "GET" else None)
    # What this coordinator typed, when another dealt with the request first: shown beside
    # what they recorded, never silently dropped.
    unsaved, status = None, 200
    if row.open and form.validate_on_submit():
        try:
            record_checks.deal_with(current_user, row, form.loaded_version(), form.outcome.data)
        except Refused as refused:
            form.show(refused.problems)
        except StaleEdit:
            row = record_checks.require_check(current_user, check_id)
            unsaved, status = form.outcome.data, 409
            if row.open:  # sent from a page older than the request: still open, say so
                form.version.data = str(row.version)
                form.outcome.errors = [
                    "This request changed while you had it open: check it, then send what "
                    "you found again"
                ]
        else:
            flash(f"Request {reference} has been marked as dealt with", "success")
            return redirect(url_for(".record_checks"))
    elif request.method == "POST" and not row.open:
        unsaved, status = (request.form.get("outcome") or "").strip() or None, 409
    return render_template(
        "children/record_check.html",
        check=row,
        reference=reference,
        number=rules.NUMBER_FIELDS[row.field],
        form=form if row.open else None,
        unsaved=unsaved,
        already=_already(row) if status == 409 else None,
    ), status
