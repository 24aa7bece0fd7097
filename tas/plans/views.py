"""Shared plan pages: start, see, change and close a plan, and its closure letter. Outcomes,
involvements and actions have their own modules, registered on the same blueprint.

Every route first asks the one access check for children (through tas.plans.access); URLs carry
ids only, never a child's name.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.clock import today
from tas.core.editing import saved_banner, submit_change, submit_new
from tas.extensions import db
from tas.levels.services import level_when_a_plan_starts
from tas.plans import bp
from tas.plans import services as shared_plans
from tas.plans.access import ReadOnly, after_a_change, plan_on, read_only_page
from tas.plans.forms import ClosePlanForm, PlanForm, StartPlanForm
from tas.plans.leads import lead_candidates
from tas.plans.team import plan_view
from tas.reviews import services as reviews

bp.register_error_handler(ReadOnly, read_only_page)


def viewed(action: str, target, **detail) -> None:
    """Every read of a plan page is in the audit log (committed before the page's records are
    loaded, since a commit expires every loaded row)."""
    audit_view(action, target=target, detail=detail)


def child_page(child_id: int) -> str:
    return url_for("children.child", child_id=child_id)


@bp.route("/plans/new", methods=["GET", "POST"])
def start(child_id: int):
    children.require(current_user, child_id, Access.EDIT)
    child = db.session.get(Child, child_id)
    agreement = children.current_agreement(child_id)
    existing = shared_plans.open_plan_of(child_id)
    level_now, steps_up_to = level_when_a_plan_starts(child)
    context = {
        "child": child,
        "agreement": agreement,
        "existing": existing,
        "level_now": level_now,
        "steps_up_to": steps_up_to,
    }
    if agreement is None or existing is not None:
        viewed("plan_start_refused", child, reason="no agreement" if existing is None else "open")
        return render_template("plans/start.html", form=None, **context)
    day = today()
    defaults = {"started_on": day, "next_review_on": reviews.due_after("plan_review", day)}
    form = StartPlanForm(
        data=defaults if request.method == "GET" else None, leads=lead_candidates(agreement)
    )
    plan = submit_new(
        form,
        lambda v: shared_plans.start_plan(child, current_user, agreement, v),
        check=lambda v: shared_plans.start_problems(child, agreement, v),
    )
    if plan is not None:
        flash(f"Shared plan {plan.reference} has been started", "success")
        return redirect(child_page(child_id))
    if request.method == "GET":
        viewed("plan_start_opened", child)
    return render_template("plans/start.html", form=form, **context)


@bp.route("/plans/<int:plan_id>")
def plan(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    viewed("plan_viewed", on.plan, child_id=child_id)  # before loading: a commit expires rows
    view = plan_view(on.plan, current_user, on.rights.level, on.agreement)
    withdrawn_on = children.withdrawn_on(child_id) if on.agreement is None else None
    return render_template(
        "plans/plan.html", child=on.plan.child, view=view, withdrawn_on=withdrawn_on
    )


@bp.route("/plans/<int:plan_id>/change", methods=["GET", "POST"])
def change(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    if not on.rights.editor:
        raise ReadOnly(on.plan, "change this plan")
    leads = lead_candidates(on.agreement, on.plan.lead_practitioner)
    form = PlanForm(
        data=PlanForm.data_from(on.plan) if request.method == "GET" else None, leads=leads
    )
    result = submit_change(
        form,
        on.plan,
        lambda version, values: shared_plans.change_plan(on.plan, version, values),
        check=lambda values: shared_plans.change_problems(on.plan, values),
        thing="plan",
        saved_form=lambda fresh: PlanForm(
            formdata=None, data=PlanForm.data_from(fresh), leads=leads
        ),
    )
    if result.saved:
        saved_banner(result, f"Shared plan {on.plan.reference} has been saved")
        return redirect(child_page(child_id))
    if request.method == "GET":
        viewed("plan_change_opened", on.plan, child_id=child_id)
    return render_template(
        "plans/change.html",
        child=on.plan.child,
        plan=on.plan,
        form=form,
        comparison=result.comparison,
        level_label=reviews.level_label(on.plan.level_of_need),
    ), result.status


@bp.route("/plans/<int:plan_id>/close", methods=["GET", "POST"])
def close(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    if not on.rights.closer:
        raise ReadOnly(on.plan, "close this plan")
    data = {"closed_on": today(), "version": on.plan.version}
    levels = shared_plans.returned_levels(on.plan)
    form = ClosePlanForm(data=data if request.method == "GET" else None, levels=levels)
    result = submit_change(
        form,
        on.plan,
        lambda version, values: shared_plans.close_plan(on.plan, version, values),
        thing="plan",
        saved_form=lambda fresh: ClosePlanForm(
            formdata=None, data=ClosePlanForm.data_from(fresh), levels=levels
        ),
        check=lambda values: shared_plans.closing_problems(on.plan, values),
    )
    if result.saved:
        # No banner: the letter page says the plan is closed, and prints without it.
        letter_page = url_for(".closure_letter", child_id=child_id, plan_id=plan_id)
        page, why = after_a_change(current_user, child_id, letter_page)
        if why is None:
            return redirect(page)
        # Closing it ended their need to know (a practitioner who led it, or a lead after the
        # family withdrew agreement): the letter they were promised is shown now, once, and
        # the record stays closed to them.
        return _letter(on.plan, gone=why)
    if request.method == "GET":
        viewed("plan_close_opened", on.plan, child_id=child_id)
    # Changed meanwhile but still open (its lead or review date, say): a closing compared with
    # a plan not closed would call every answer different, so the page says what happened.
    changed_meanwhile = result.status == 409 and on.plan.status != "closed"
    return render_template(
        "plans/close.html",
        child=on.plan.child,
        plan=on.plan,
        form=form,
        comparison=None if changed_meanwhile else result.comparison,
        changed_meanwhile=changed_meanwhile,
    ), result.status


@bp.route("/plans/<int:plan_id>/closure-letter")
def closure_letter(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    if on.plan.status != "closed":
        abort(404)
    return _letter(on.plan)


def _letter(plan, gone: str | None = None) -> str:
    """The family's closure letter, audited as read; `gone` says why the person will not be
    able to open it again (the page then leads to their home page, not the child's)."""
    shared_plans.letter_viewed(plan)
    letter = shared_plans.closure_letter(plan)
    return render_template(
        "plans/closure_letter.html", letter=letter, child=letter.child, gone=gone
    )


# Outcomes, involvements and actions hang off the same blueprint.
