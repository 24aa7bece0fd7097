"""Referrals to the IFD on a child's level of need page: recording a referral, the IFD's
decision, and a professional disagreement with it. Registered on the levels blueprint; every
route first asks the domain's one access check (tas.reviews.access)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.choices import label
from tas.core.editing import submit_change
from tas.extensions import db
from tas.levels import bp
from tas.levels import rules as level_rules
from tas.levels.access import may_disagree, require_level_change
from tas.levels.deciding_meetings import meetings_to_choose
from tas.levels.forms import DecisionForm, DisagreementForm, ReferralForm
from tas.levels.models import IfdReferral
from tas.levels.pages import add_page, level_url, not_now, recordable, sent_before, viewed
from tas.levels.referrals import services as referrals
from tas.levels.rules import ESCALATION_PROCEDURE, IFD_DECISIONS
from tas.reviews.services import levels as configured_levels


@bp.route("/level/referrals/new", methods=["GET", "POST"])
def refer(child_id: int):
    child = recordable(child_id)
    title = "Record a referral to the IFD"
    meetings = meetings_to_choose(child, current_user)
    data = None
    if request.method == "GET":
        wanted = request.args.get("meeting", "")
        data = {"meeting": wanted} if wanted in {str(m.id) for m in meetings} else {}
    form = ReferralForm(data=data, meetings=meetings)
    sent = sent_before(form, child)
    if sent is not None:
        return sent
    why = level_rules.referral_refusal(configured_levels(), child.level_of_need)
    if why:
        return not_now(child, title, why, report_now=True)
    waiting = referrals.awaiting_decision(child.id)
    if waiting is not None and request.method == "GET":
        # One referral awaits a decision at a time; a form sent anyway comes back with what
        # was typed, refused by the service.
        viewed("ifd_referral_opened", child_id)
        return not_now(
            child,
            title,
            referrals.still_awaiting(waiting),
            report_now=True,
            link=(
                f"Record the IFD's decision on referral {waiting.reference}",
                url_for("levels.decision", child_id=child.id, referral_id=waiting.id),
            ),
        )
    referral, instead, status = add_page(
        form,
        lambda v: referrals.refer(child, current_user, v),
        child,
        check=lambda v: referrals.referral_problems(child, v),
    )
    if instead is not None:
        return instead
    if referral is not None:
        flash(f"Referral {referral.reference} to the IFD has been recorded", "success")
        return redirect(level_url(child_id) + "#referrals")
    if request.method == "GET":
        viewed("ifd_referral_opened", child_id)
    return render_template(
        "levels/referral.html",
        title=title,
        child=child,
        form=form,
        open_referral=referrals.awaiting_decision(child.id) if form.level.errors else None,
    ), status


def _referral_of(child_id: int, referral_id: int) -> IfdReferral:
    referral = db.session.get(IfdReferral, referral_id)
    if referral is None or referral.child_id != child_id:
        abort(404)
    return referral


@bp.route("/level/referrals/<int:referral_id>/decision", methods=["GET", "POST"])
def decision(child_id: int, referral_id: int):
    child = recordable(child_id)
    referral = _referral_of(child_id, referral_id)
    title = "Record the IFD's decision"
    if referral.status != "awaiting_decision" and request.method == "GET":
        viewed("ifd_decision_opened", child_id, referral_id=referral.id)
        return render_template(
            "levels/decision.html", title=title, child=child, referral=referral, form=None
        )
    form = DecisionForm(data=DecisionForm.data_from(referral) if request.method == "GET" else None)
    result = submit_change(
        form,
        referral,
        lambda version, values: referrals.record_decision(referral, current_user, version, values),
        thing="referral",
        saved_form=lambda fresh: DecisionForm(formdata=None, data=DecisionForm.data_from(fresh)),
        check=lambda values: referrals.decision_problems(referral, values),
    )
    if result.saved:
        flash(f"The IFD's decision on referral {referral.reference} has been recorded", "success")
        return redirect(level_url(child_id) + "#referrals")
    if request.method == "GET":
        viewed("ifd_decision_opened", child_id, referral_id=referral.id)
    return render_template(
        "levels/decision.html",
        title=title,
        child=child,
        referral=referral,
        form=form,
        comparison=result.comparison,
    ), result.status


@bp.route("/level/referrals/<int:referral_id>/disagreement", methods=["GET", "POST"])
def disagreement(child_id: int, referral_id: int):
    referral = _referral_of(child_id, referral_id)
    if not may_disagree(current_user, referral):
        require_level_change(current_user, child_id)  # 404 or 403
        abort(403)  # pragma: no cover - may_disagree covers everyone who passes that check
    child = referral.child
    title = "Record a professional disagreement"
    if referral.status != "decided" or referral.disagreed_on is not None:
        # A page about the child is a read of their record, audited as the form is.
        viewed("ifd_disagreement_opened", child_id, referral_id=referral.id)
    if referral.status != "decided":
        return not_now(
            child, title, "The IFD has not decided yet: there is nothing to disagree with"
        )
    if referral.disagreed_on is not None:  # it stands: a second would write over it
        return not_now(child, title, referrals.already_disagreed(referral))
    form = DisagreementForm(
        data=DisagreementForm.data_from(referral) if request.method == "GET" else None
    )
    result = submit_change(
        form,
        referral,
        lambda version, values: referrals.record_disagreement(
            referral, current_user, version, values
        ),
        thing="referral",
        saved_form=lambda fresh: DisagreementForm(
            formdata=None, data=DisagreementForm.data_from(fresh)
        ),
        check=lambda values: referrals.disagreement_problems(referral, values),
    )
    if result.saved:
        flash(
            f"The disagreement with the decision on {referral.reference} has been recorded",
            "success",
        )
        return redirect(level_url(child_id) + "#referrals")
    if request.method == "GET":
        viewed("ifd_disagreement_opened", child_id, referral_id=referral.id)
    return render_template(
        "levels/disagreement.html",
        title=title,
        child=child,
        referral=referral,
        form=form,
        comparison=result.comparison,
        escalation=ESCALATION_PROCEDURE,
        decision_label=label(IFD_DECISIONS, referral.decision),
    ), result.status
