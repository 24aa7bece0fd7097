"""Pages to add an outcome to a plan and to score it at a review."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.core.clock import today
from tas.core.editing import submit_new
from tas.core.submissions import once, refuse_if_used
from tas.plans import bp
from tas.plans.access import ReadOnly, plan_on, record_on
from tas.plans.forms import DriftDecisionForm, OutcomeForm, ScoreForm, score_hint
from tas.plans.models import Outcome
from tas.plans.outcomes import drift
from tas.plans.outcomes import services as outcomes
from tas.plans.outcomes.rules import DRIFT_DECISIONS


def _plan_page(child_id: int, plan_id: int) -> str:
    """Back to the team-around-the-child page, which shows the open plan's outcomes."""
    return url_for("children.child", child_id=child_id) + "#outcomes"


@bp.route("/plans/<int:plan_id>/outcomes/new", methods=["GET", "POST"])
def outcome_add(child_id: int, plan_id: int):
    on = plan_on(current_user, child_id, plan_id)
    if not on.rights.editor:
        raise ReadOnly(on.plan, "add an outcome to this plan")
    form = OutcomeForm(data={"scored_on": today()} if request.method == "GET" else None)
    once(form, saved_at=_plan_page(child_id, plan_id))
    outcome = submit_new(
        form,
        lambda values: outcomes.add_outcome(on.plan, current_user, values),
        check=lambda values: outcomes.outcome_problems(on.plan, values),
    )
    if outcome is not None:
        flash("The outcome has been added", "success")
        return redirect(_plan_page(child_id, plan_id))
    if request.method == "GET":
        audit_view("outcome_add_opened", target=on.plan, detail={"child_id": child_id})
    return render_template("plans/outcome_form.html", child=on.plan.child, plan=on.plan, form=form)


@bp.route("/outcomes/<int:outcome_id>/scores/new", methods=["GET", "POST"])
def score_add(child_id: int, outcome_id: int):
    outcome, on = record_on(current_user, child_id, Outcome, outcome_id)
    if not on.rights.editor:
        raise ReadOnly(on.plan, "score this outcome")
    form = ScoreForm(data={"scored_on": today()} if request.method == "GET" else None)
    form.score.description = score_hint(outcome.scores)
    once(form, saved_at=_plan_page(child_id, on.plan.id))
    added = submit_new(
        form,
        lambda values: outcomes.add_score(on.plan, outcome, current_user, values),
        check=lambda values: outcomes.score_problems(on.plan, outcome, values),
    )
    if added is not None:
        flash("The score has been added", "success")
        return redirect(_plan_page(child_id, on.plan.id))
    if request.method == "GET":
        audit_view("outcome_viewed", target=outcome, detail={"plan_id": on.plan.id})
    return render_template(
        "plans/score_form.html", child=on.plan.child, plan=on.plan, outcome=outcome, form=form
    )


@bp.route("/plans/<int:plan_id>/drift-decision", methods=["GET", "POST"])
def drift_decision(child_id: int, plan_id: int):
    """Record what was decided about a plan that drifted: those who may change the plan, or a
    coordinator who opened the record with a reason."""
    on = plan_on(current_user, child_id, plan_id)
    if not on.rights.may_decide_on_drift():
        raise ReadOnly(on.plan, "record a decision about this plan")
    form = DriftDecisionForm(data={"decided_on": today()} if request.method == "GET" else None)
    once(form, saved_at=_plan_page(child_id, plan_id).replace("#outcomes", "#flags"))
    if drift.flag_of(on.plan) is None:
        # Nothing to decide: never a banner claiming a flag was cleared that was not there.
        if request.method == "POST":
            refuse_if_used()  # the form sent again after its decision says it was saved
        audit_view("drift_decision_opened", target=on.plan, detail={"child_id": child_id})
        return render_template(
            "plans/no_flag.html",
            title="This plan is not flagged for drift",
            caption=f"{on.plan.child.full_name}, shared plan {on.plan.reference}",
            why="There is no decision to record: a plan is flagged for drift when it has been "
            "open for twelve months with no change of level, no better outcome score and no "
            "decision about it.",
            back=url_for("children.child", child_id=child_id),
            back_text="Back to the team around the child",
            child=on.plan.child,
        )
    decided = submit_new(form, lambda values: drift.decide(on.plan, current_user, values))
    if decided is not None:
        flash("The decision has been saved: the drift flag is cleared", "success")
        return redirect(_plan_page(child_id, plan_id).replace("#outcomes", "#flags"))
    if request.method == "GET":
        audit_view("drift_decision_opened", target=on.plan, detail={"child_id": child_id})
    return render_template(
        "plans/drift_decision.html",
        child=on.plan.child,
        plan=on.plan,
        form=form,
        decisions=drift.decisions_of(on.plan),
        decision_words=DRIFT_DECISIONS,
    )
