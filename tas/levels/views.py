"""A child's level of need: its history, step changes, referrals to the IFD and decisions.

Every route first asks the one access check: reading the page needs READ on the child
(tas.children.access.require); recording anything needs tas.reviews.access (404 when the person
may not know the child exists, 403 when they may see it but not do this). URLs carry ids only.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.audit.services import audit_view
from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.clock import today
from tas.core.editing import submit_new
from tas.core.submissions import AlreadySubmitted, already_saved, once, refuse_if_used
from tas.core.use_cases import StaleEdit
from tas.extensions import db
from tas.levels import bp
from tas.levels import rules as level_rules
from tas.levels import services as levels
from tas.levels.deciding_meetings import meetings_to_choose
from tas.levels.decisions import from_minutes
from tas.levels.forms import StepDownForm, StepUpForm
from tas.levels.page import level_page
from tas.plans.leads import lead_candidates
from tas.reviews import access, rules
from tas.reviews.services import level_label
from tas.reviews.services import levels as configured_levels

BOTH = ["GET", "POST"]
RACED = (
    "Someone else changed this child's record while you were recording this, so nothing was "
    "saved: check the level of need, then send the form again if it still applies"
)

# The child page shows the level with a link here; the minutes pages show what a level decision
# did (and "Record the IFD referral") for the meeting's children, in a fixed number of queries.
bp.add_app_template_global(level_label, "level_of_need_label")
bp.add_app_template_global(from_minutes.minutes_notes, "minutes_level_notes")


def level_url(child_id: int) -> str:
    return url_for("levels.level", child_id=child_id)


def viewed(action: str, child_id: int, **detail) -> None:
    """Every read of a level page is in the audit log (committed before the page's records are
    loaded, since a commit expires every loaded row)."""
    audit_view(
        action, target_type="Child", target_id=child_id, detail={"child_id": child_id, **detail}
    )


def not_now(child: Child, title: str, why: str, *, report_now: bool = False):
    """This cannot be recorded at the child's level now: a page saying why (409 for a send),
    with the words on reporting a child at risk where a worry is being recorded."""
    page = render_template(
        "reviews/levels/not_now.html", title=title, child=child, why=why, report_now=report_now
    )
    return page, 409 if request.method == "POST" else 200


@bp.route("/level")
def level(child_id: int):
    children.require(current_user, child_id, Access.READ)
    viewed("level_viewed", child_id)
    child = db.session.get(Child, child_id)
    page = level_page(child, current_user)
    return render_template(
        "reviews/levels/level.html",
        title="Level of need",
        child=child,
        page=page,
        escalation=rules.ESCALATION_PROCEDURE,
    )


def sent_before(form, child: Child):
    """A form sent again says what the first send saved, before any check on the level (the
    first send changed it)."""
    once(form)
    if request.method != "POST":
        return None
    try:
        refuse_if_used()
    except AlreadySubmitted:
        return already_saved(level_url(child.id))
    return None


def add_page(form, add: Callable[[dict], object], child: Child):
    """Send an add form once: (what was saved, a response to return instead, the status)."""
    once(form)
    try:
        return submit_new(form, add), None, 200
    except AlreadySubmitted:
        return None, already_saved(level_url(child.id)), 200
    except StaleEdit:
        form.level.errors = [RACED]
        return None, None, 409


def recordable(child_id: int) -> Child:
    access.require_level_change(current_user, child_id)
    child = db.session.get(Child, child_id)
    if child is None:  # pragma: no cover - the access check found it a moment ago
        abort(404)
    return child


@bp.route("/level/step-up", methods=BOTH)
def step_up(child_id: int):
    child = recordable(child_id)
    title = "Step up within early help"
    defaults = {"changed_on": today(), "decided_by": current_user.name}
    plan = levels.open_plan_of(child.id)
    form = StepUpForm(
        data=defaults if request.method == "GET" else None,
        meetings=meetings_to_choose(child, current_user),
        plan=plan,
        leads=lead_candidates() if plan is not None else (),
    )
    sent = sent_before(form, child)
    if sent is not None:
        return sent
    why = level_rules.step_up_refusal(configured_levels(), child.level_of_need)
    if why:
        return not_now(child, title, why)
    change, instead, status = add_page(
        form, lambda v: levels.step_up(child, current_user, v), child
    )
    if instead is not None:
        return instead
    if change is not None:
        flash(f"The step up to {level_label(change.to_level)} has been recorded", "success")
        return redirect(level_url(child_id))
    if request.method == "GET":
        viewed("level_step_up_opened", child_id)
    return render_template(
        "reviews/levels/step.html", title=title, child=child, form=form, step="up", plan=plan
    ), status


@bp.route("/level/step-down", methods=BOTH)
def step_down(child_id: int):
    """A step down: from Children's Social Care (a handover to early help follows), or within
    early help to a lower level."""
    child = recordable(child_id)
    from_social_care = child.level_of_need == rules.SOCIAL_CARE
    title = (
        "Step down from Children's Social Care"
        if from_social_care
        else "Step down within early help"
    )
    decided_by = "Children's Social Care" if from_social_care else current_user.name
    defaults = {"changed_on": today(), "decided_by": decided_by}
    form = StepDownForm(
        data=defaults if request.method == "GET" else None,
        meetings=meetings_to_choose(child, current_user),
        levels=level_rules.step_down_levels(configured_levels(), child.level_of_need),
    )
    sent = sent_before(form, child)
    if sent is not None:
        return sent
    why = level_rules.step_down_refusal(configured_levels(), child.level_of_need)
    if why:
        return not_now(child, title, why)
    change, instead, status = add_page(
        form, lambda v: levels.step_down(child, current_user, v), child
    )
    if instead is not None:
        return instead
    if change is not None and change.kind == "step_down":
        flash(
            f"The step down to {level_label(change.to_level)} has been recorded: arrange the "
            "handover (TAF) meeting with the family",
            "success",
        )
        return redirect(level_url(child_id) + "#handover")
    if change is not None:
        flash(f"The step down to {level_label(change.to_level)} has been recorded", "success")
        return redirect(level_url(child_id))
    if request.method == "GET":
        viewed("level_step_down_opened", child_id)
    return render_template(
        "reviews/levels/step.html",
        title=title,
        child=child,
        form=form,
        step="down" if from_social_care else "down_within",
    ), status


# Referrals to the IFD, the handover booking and the social worker have their own modules, on
# the same blueprint.
