"""The list of lawful bases and conditions for sharing, kept by a coordinator.

Only coordinators use these pages: the issue gives the list to the coordinator, and the
partnership's data protection officer works through a coordinator account. Administrators manage
accounts and organisations, not information-governance decisions, so they get 403 here too.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.children.agreements.forms import LawfulBasisForm, show
from tas.children.models import LawfulBasis
from tas.children.sharing import bp, services
from tas.core.editing import Submitted, compare, found, saved_banner
from tas.core.use_cases import Refused, StaleEdit

STALE = "Someone else changed this lawful basis while you were editing it"


@bp.before_request
def _coordinators_only() -> None:
    if current_user.role != "coordinator":
        abort(403)


def _saved_data(basis: LawfulBasis) -> dict:
    return {
        "name": basis.name,
        "condition": basis.condition or "",
        "version": services.fingerprint(basis),
    }


@bp.route("/lawful-bases")
def lawful_bases():
    audit_view("lawful_bases_viewed", target_type="LawfulBasis")
    return render_template("children/lawful_bases.html", bases=services.lawful_bases())


@bp.route("/lawful-bases/new", methods=["GET", "POST"])
def lawful_basis_add():
    form = LawfulBasisForm()
    if form.validate_on_submit():
        try:
            basis = services.add_lawful_basis(form.values())
        except Refused as refused:
            show(form, refused.problems)
        else:
            flash(f"{basis.name} has been added", "success")
            return redirect(url_for(".lawful_bases"))
    return render_template(
        "children/lawful_bases_form.html", form=form, record=None, comparison=None
    )


@bp.route("/lawful-bases/<int:basis_id>", methods=["GET", "POST"])
def lawful_basis_change(basis_id: int):
    basis = found(LawfulBasis, basis_id)
    form = LawfulBasisForm(data=_saved_data(basis) if request.method == "GET" else None)
    comparison = None
    status = 200
    if form.validate_on_submit():
        name = form.name.data
        try:
            changed = services.change_lawful_basis(basis, form.loaded_version(), form.values())
        except Refused as refused:
            show(form, refused.problems)
        except StaleEdit:
            basis = found(LawfulBasis, basis_id)
            saved = LawfulBasisForm(formdata=None, data=_saved_data(basis))
            comparison = compare(form, saved)
            form.version.data = services.fingerprint(basis)
            form.version.errors = [STALE]
            status = 409
        else:
            saved_banner(Submitted(saved=True, changed=bool(changed)), f"{name} has been saved")
            return redirect(url_for(".lawful_bases"))
    page = render_template(
        "children/lawful_bases_form.html", form=form, record=basis, comparison=comparison
    )
    return page, status


@bp.route("/lawful-bases/<int:basis_id>/retire", methods=["POST"])
def lawful_basis_retire(basis_id: int):
    basis = found(LawfulBasis, basis_id)
    name = basis.name
    if services.set_lawful_basis_active(basis, False):
        flash(
            f"{name} has been retired: it is no longer offered, and decisions already recorded "
            "keep it",
            "success",
        )
    else:
        flash(f"{name} had already been retired: nothing has changed", "info")
    return redirect(url_for(".lawful_bases"))


@bp.route("/lawful-bases/<int:basis_id>/reinstate", methods=["POST"])
def lawful_basis_reinstate(basis_id: int):
    basis = found(LawfulBasis, basis_id)
    name = basis.name
    if services.set_lawful_basis_active(basis, True):
        flash(f"{name} is in use again", "success")
    else:
        flash(f"{name} was already in use: nothing has changed", "info")
    return redirect(url_for(".lawful_bases"))
