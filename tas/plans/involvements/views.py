"""Pages for agency involvements: add one to the plan, see one with its engagement history,
and update it (its named practitioner, their agency's safeguarding lead, or a plan editor)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.core.clock import today
from tas.core.editing import saved_banner, submit_change, submit_new
from tas.core.submissions import once, refuse_if_used
from tas.core.words import long_date
from tas.plans import bp, rules
from tas.plans.access import ReadOnly, after_a_change, plan_on, record_on
from tas.plans.involvements import decisions
from tas.plans.involvements import services as involvements
from tas.plans.involvements.forms import (
    EngagementDecisionForm,
    InvolvementChangeForm,
    InvolvementForm,
    InvolvementUpdateForm,
)
from tas.plans.involvements.rules import ENGAGEMENT_DECISIONS
from tas.plans.models import AgencyInvolvement


def _team_page(child_id: int) -> str:
    return url_for("children.child", child_id=child_id) + "#involved-services"


@bp.route("/plans/<int:plan_id>/involvements/new", methods=["GET", "POST"])
def involvement_add(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    child = on.plan.child
    if on.agreement is None:
        # Say why first: without the family's agreement no agency can be involved.
        audit_view("involvement_add_refused", target=on.plan, detail={"reason": "no agreement"})
        return render_template("plans/no_agreement.html", child=child, plan=on.plan)
    if not on.rights.editor:
        raise ReadOnly(on.plan, "add an involvement to this plan")
    agencies = involvements.agencies_for(on.agreement)
    practitioners = involvements.practitioners_of([agency.id for agency in agencies])
    form = InvolvementForm(
        data={"status": "active"} if request.method == "GET" else None,
        agencies=agencies,
        practitioners=practitioners,
    )
    once(form, saved_at=_team_page(child_id))
    added = submit_new(
        form,
        lambda values: involvements.add_involvement(on.plan, current_user, on.agreement, values),
        check=lambda values: involvements.problems(values, values.get("agency_id"), agencies),
    )
    if added is not None:
        flash("The involvement has been added", "success")
        return redirect(_team_page(child_id))
    if request.method == "GET":
        audit_view("involvement_add_opened", target=on.plan, detail={"child_id": child_id})
    return render_template(
        "plans/involvement_form.html", child=child, plan=on.plan, form=form, involvement=None
    )


@bp.route("/involvements/<int:involvement_id>")
def involvement(child_id: int, involvement_id: int):
    row, on = record_on(current_user, child_id, AgencyInvolvement, involvement_id)
    involvements.viewed(row)  # before loading what the page shows: a commit expires rows
    return render_template(
        "plans/involvement.html",
        child=on.plan.child,
        plan=on.plan,
        involvement=row,
        may_update=on.rights.may_update_involvement(row),
        may_decide=on.rights.may_decide_on_engagement(row) and decisions.flag_of(row) is not None,
        history=involvements.engagement_history(row),
        decisions=decisions.decisions_of(row),
        decision_words=ENGAGEMENT_DECISIONS,
        rules=rules,
    )


@bp.route("/involvements/<int:involvement_id>/change", methods=["GET", "POST"])
def involvement_change(child_id: int, involvement_id: int):
    row, on = record_on(current_user, child_id, AgencyInvolvement, involvement_id)
    if not on.rights.may_update_involvement(row):
        raise ReadOnly(on.plan, "update this involvement")
    form_class = InvolvementChangeForm if on.rights.may_reassign(row) else InvolvementUpdateForm
    practitioners = involvements.practitioners_of([row.agency_id])

    def made(data=None, formdata=None):
        return form_class(formdata=formdata, data=data, practitioners=practitioners)

    form = form_class(
        data=form_class.data_from(row) if request.method == "GET" else None,
        practitioners=practitioners,
    )
    result = submit_change(
        form,
        row,
        lambda version, values: involvements.change_involvement(row, current_user, version, values),
        thing="involvement",
        saved_form=lambda fresh: made(data=form_class.data_from(fresh)),
        check=lambda values: involvements.problems(values, row.agency_id),
    )
    if result.saved:
        page, why = after_a_change(current_user, child_id, _team_page(child_id))
        saved_banner(
            result,
            f"The involvement has been saved. {why}" if why else "The involvement has been saved",
        )
        return redirect(page)
    if request.method == "GET":
        involvements.viewed(row)
    return render_template(
        "plans/involvement_form.html",
        child=on.plan.child,
        plan=on.plan,
        form=form,
        involvement=row,
        comparison=result.comparison,
    ), result.status


@bp.route("/involvements/<int:involvement_id>/engagement-decision", methods=["GET", "POST"])
def engagement_decision(child_id: int, involvement_id: int):
    """Record what was decided about engagement that stayed low: whoever may update the
    involvement, or a coordinator who opened the record with a reason."""
    row, on = record_on(current_user, child_id, AgencyInvolvement, involvement_id)
    if not on.rights.may_decide_on_engagement(row):
        raise ReadOnly(on.plan, "record a decision about this involvement's engagement")
    form = EngagementDecisionForm(data={"decided_on": today()} if request.method == "GET" else None)
    back = url_for(".involvement", child_id=child_id, involvement_id=involvement_id)
    once(form, saved_at=back)
    if decisions.flag_of(row) is None:
        # Nothing to decide: never a banner claiming a flag was cleared that was not there.
        if request.method == "POST":
            refuse_if_used()  # the form sent again after its decision says it was saved
        involvements.viewed(row)
        return render_template(
            "plans/no_flag.html",
            title="This involvement is not flagged for low engagement",
            caption=f"{on.plan.child.full_name}, {row.agency.name}: {row.service}",
            why="There is no decision to record: an involvement is flagged when the child's or "
            "the parent's or carer's engagement has been limited or none at two updates in a "
            "row, or for 3 months, with no decision since.",
            back=back,
            back_text="Back to the involvement",
            child=on.plan.child,
        )
    decided = submit_new(form, lambda values: decisions.decide(row, current_user, values))
    if decided is not None:
        if decided.decision == decisions.CLOSE:
            said = (
                "The decision has been saved and the involvement has ended on "
                f"{long_date(decided.decided_on)}: the low engagement flag is cleared"
            )
        else:
            said = "The decision has been saved: the low engagement flag is cleared"
        page, why = after_a_change(current_user, child_id, back)
        flash(f"{said}. {why}" if why else said, "success")
        return redirect(page)
    if request.method == "GET":
        involvements.viewed(row)
    return render_template(
        "plans/engagement_decision.html",
        child=on.plan.child,
        plan=on.plan,
        involvement=row,
        form=form,
        history=involvements.engagement_history(row),
        rules=rules,
    )
