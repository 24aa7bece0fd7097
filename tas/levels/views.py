"""A child's level of need: its history, step changes, referrals to the IFD and decisions.

Every route first asks the one access check: reading the page needs READ on the child
(tas.children.access.require); recording anything needs tas.reviews.access (404 when the person
may not know the child exists, 403 when they may see it but not do this). URLs carry ids only.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.clock import today
from tas.extensions import db
from tas.levels import bp
from tas.levels import rules as level_rules
from tas.levels import services as levels
from tas.levels.access import AgreementNeeded, LevelChange
from tas.levels.deciding_meetings import meetings_to_choose
from tas.levels.decisions import from_minutes
from tas.levels.forms import StepDownForm, StepUpForm
from tas.levels.pages import (
    add_step,
    agreement_needed,
    level_url,
    not_now,
    recordable,
    sent_before,
    viewed,
)
from tas.levels.rules import ESCALATION_PROCEDURE, SOCIAL_CARE
from tas.levels.summary import level_page
from tas.organisations.models import User
from tas.plans.leads import lead_candidates
from tas.reviews.services import level_label
from tas.reviews.services import levels as configured_levels

BOTH = ["GET", "POST"]

# The child page shows the level with a link here; the minutes pages show what a level decision
# did (and "Record the IFD referral") for the meeting's children, in a fixed number of queries.
bp.add_app_template_global(level_label, "level_of_need_label")
# A step within early help that the family's agreement does not allow now: 403, saying why.
bp.register_error_handler(AgreementNeeded, agreement_needed)


@bp.route("/level")
def level(child_id: int):
    children.require(current_user, child_id, Access.READ)
    viewed("level_viewed", child_id)
    child = db.session.get(Child, child_id)
    page = level_page(child, current_user)
    return render_template(
        "levels/level.html",
        title="Level of need",
        child=child,
        page=page,
        escalation=ESCALATION_PROCEDURE,
    )


@bp.route("/level/step-up", methods=BOTH)
def step_up(child_id: int):
    child = recordable(child_id, LevelChange.STEP_UP)
    title = "Step up within early help"
    defaults = {
        "changed_on": today(),
        "decided_by": current_user.name,
        "last_change": levels.last_change_id(child.id),
    }
    plan = levels.open_plan_of(child.id)
    form = StepUpForm(
        data=defaults if request.method == "GET" else None,
        meetings=meetings_to_choose(child, current_user),
        plan=plan,
        leads=lead_candidates(children.current_agreement(child_id)) if plan is not None else (),
    )
    sent = sent_before(form, child)
    if sent is not None:
        return sent
    why = level_rules.step_up_refusal(configured_levels(), child.level_of_need)
    if why:
        return not_now(child, title, why)
    change, instead, status, since = add_step(
        form,
        lambda v: levels.step_up(child, current_user, v),
        child,
        check=lambda v: levels.step_up_problems(child, current_user, v, plan),
    )
    if instead is not None:
        return instead
    if change is not None:
        words = f"The step up to {level_label(change.to_level)} has been recorded"
        if change.new_lead_practitioner_id is not None:
            lead = db.session.get(User, change.new_lead_practitioner_id)
            words += f": {lead.name} now leads the plan"
        flash(words, "success")
        return redirect(level_url(child_id))
    if request.method == "GET":
        viewed("level_step_up_opened", child_id)
    return render_template(
        "levels/step.html", title=title, child=child, form=form, step="up", plan=plan, since=since
    ), status


@bp.route("/level/step-down", methods=BOTH)
def step_down(child_id: int):
    """A step down: from Children's Social Care (a handover to early help follows), or within
    early help to a lower level."""
    child = recordable(child_id, LevelChange.STEP_DOWN)
    from_social_care = child.level_of_need == SOCIAL_CARE
    title = (
        "Step down from Children's Social Care"
        if from_social_care
        else "Step down within early help"
    )
    decided_by = "Children's Social Care" if from_social_care else current_user.name
    defaults = {
        "changed_on": today(),
        "decided_by": decided_by,
        "last_change": levels.last_change_id(child.id),
    }
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
    change, instead, status, since = add_step(
        form,
        lambda v: levels.step_down(child, current_user, v),
        child,
        check=lambda v: levels.step_down_problems(child, current_user, v),
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
        "levels/step.html",
        title=title,
        child=child,
        form=form,
        step="down" if from_social_care else "down_within",
        since=since,
    ), status


# Referrals to the IFD, the handover booking and the social worker have their own modules, on
# the same blueprint.


LINKS = from_minutes.Links(
    level=lambda child_id: url_for("levels.level", child_id=child_id),
    referral=lambda child_id, meeting_id: url_for(
        "levels.refer", child_id=child_id, meeting=meeting_id
    ),
)


@bp.app_template_global("minutes_level_notes")
def minutes_level_notes(meeting) -> dict:
    """The minutes pages' notes on each level decision, for the signed-in person: worked out
    once per request, however many times the page asks."""
    memo = g.setdefault("minutes_level_notes", {})
    if meeting.id not in memo:
        memo[meeting.id] = from_minutes.minutes_notes(meeting, current_user, LINKS)
    return memo[meeting.id]
