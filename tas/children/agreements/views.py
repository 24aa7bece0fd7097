"""The family's agreement to early help and TAS, its withdrawal, and sharing decisions.

Every page checks access first (404 for a child the person may not know of, 403 for a page they
may not use) and audits what it shows; a change is audited in the same commit as the change.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children import access, bp
from tas.children.access import Access
from tas.children.agreements import rules, services
from tas.children.agreements.forms import (
    AgreementForm,
    SharingDecisionForm,
    WithdrawalForm,
    origin_choices,
    show,
)
from tas.children.models import Child
from tas.children.sharing import services as lawful_basis_services
from tas.core.submissions import once
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.organisations.models import User


def _me() -> User:
    return current_user._get_current_object()


def _child(child_id: int, level: Access) -> tuple[Child, Access]:
    """The child, once the one access check has allowed `level`."""
    have = access.require(current_user, child_id, level)
    return db.session.get(Child, child_id), have


def _defaults(child: Child) -> dict | None:
    """What a new form starts with; a posted form holds only what was sent."""
    if request.method != "GET":
        return None
    return {"origin": services.default_origin(current_user, child)}


def markers_of(row) -> str:
    return ", ".join(rules.marker_labels(row.restricted, row.not_for_parent, row.third_party))


@bp.route("/<int:child_id>/agreement")
def agreement(child_id: int):
    child, level = _child(child_id, Access.READ)
    may_record = services.may_record_agreement(current_user, child, level)
    services.viewed("agreement_viewed", child)
    history = services.agreement_history(child_id)
    current = next((a for a in history if a.withdrawn_on is None), None)
    return render_template(
        "children/agreement.html",
        child=child,
        history=history,
        current=current,
        names=services.names_for(history, [a.withdrawn_recorded_by_id for a in history]),
        may_record=may_record,
        may_withdraw=current is not None and level >= Access.EDIT,
        markers_of=markers_of,
    )


@bp.route("/<int:child_id>/agreement/new", methods=["GET", "POST"])
def agreement_new(child_id: int):
    child, level = _child(child_id, Access.READ)
    if not services.may_record_agreement(current_user, child, level):
        abort(403)
    parents = services.parents_with_responsibility(child_id)
    agencies = services.agencies_for_agreement(child)
    form = AgreementForm(data=_defaults(child))
    form.offer(
        parents=parents,
        agencies=agencies,
        date_of_birth=child.date_of_birth,
        today=services.london_today(),
        current_on=services.current_agreed_on(child_id),
    )
    form.offer_origins(origin_choices(child, agencies))
    once(form, saved_at=url_for(".agreement", child_id=child_id))
    if parents and form.validate_on_submit():
        try:
            services.record_agreement(child, _me(), form.values())
        except Refused as refused:
            show(form, refused.problems)
        else:
            flash("The family's agreement has been recorded", "success")
            return redirect(url_for(".agreement", child_id=child_id))
    services.viewed("agreement_form_viewed", child)
    return render_template(
        "children/agreement_form.html",
        child=child,
        form=form,
        has_parents=bool(parents),
        family_path=f"/children/{child_id}/family",  # the family page's address
    )


@bp.route("/<int:child_id>/agreement/withdraw", methods=["GET", "POST"])
def agreement_withdraw(child_id: int):
    child, _ = _child(child_id, Access.EDIT)
    current = access.current_agreement(child_id)
    if current is None:
        flash("There is no current agreement to withdraw", "info")
        return redirect(url_for(".agreement", child_id=child_id))
    form = WithdrawalForm()
    form.offer(agreed_on=current.agreed_on, today=services.london_today())
    if form.validate_on_submit():
        try:
            services.withdraw_agreement(child, _me(), form.values())
        except Refused as refused:
            show(form, refused.problems)
        else:
            return _after_withdrawal(child_id)
    services.viewed("agreement_withdraw_viewed", child)
    return render_template(
        "children/agreement_withdraw.html", child=child, form=form, current=current
    )


def _after_withdrawal(child_id: int):
    flash(
        "The withdrawal has been recorded and has taken effect: practitioners no longer have "
        "access, and the record is read-only",
        "success",
    )
    if access.access_to(current_user, child_id) >= Access.READ:
        return redirect(url_for(".agreement", child_id=child_id))
    return redirect(url_for("pages.home"))  # the person's own access ended with it


@bp.route("/<int:child_id>/sharing-decisions")
def sharing_decisions(child_id: int):
    child, level = _child(child_id, Access.READ)
    services.viewed("sharing_decisions_viewed", child)
    rows = services.sharing_decisions(child_id)
    return render_template(
        "children/sharing_decisions.html",
        child=child,
        decisions=rows,
        names=services.names_for(rows),
        may_record=services.may_record_agreement(current_user, child, level),
        markers_of=markers_of,
    )


@bp.route("/<int:child_id>/sharing-decisions/new", methods=["GET", "POST"])
def sharing_decision_new(child_id: int):
    child, level = _child(child_id, Access.READ)
    if not services.may_record_agreement(current_user, child, level):
        abort(403)
    bases = lawful_basis_services.lawful_bases(active_only=True)
    agencies = services.agencies_for_agreement(child)
    form = SharingDecisionForm(data=_defaults(child))
    form.offer(bases)
    form.offer_origins(origin_choices(child, agencies))
    once(form, saved_at=url_for(".sharing_decisions", child_id=child_id))
    if bases and form.validate_on_submit():
        try:
            services.record_sharing_decision(child, _me(), form.values())
        except Refused as refused:
            show(form, refused.problems)
        else:
            flash("The sharing decision has been recorded", "success")
            return redirect(url_for(".sharing_decisions", child_id=child_id))
    services.viewed("sharing_decision_form_viewed", child)
    return render_template(
        "children/sharing_decision_form.html", child=child, form=form, has_bases=bool(bases)
    )
