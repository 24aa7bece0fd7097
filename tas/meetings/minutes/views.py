"""Pages for the minutes of a meeting: the minutes of each item, the actions agreed and a plan
started there, the family's version, and marking the minutes complete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_login import current_user

from tas.audit.services import audit_view
from tas.children.access import current_agreement
from tas.core.choices import label
from tas.core.clock import today, utcnow
from tas.core.editing import reloaded, saved_banner, submit_change, submit_new
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import StaleEdit
from tas.levels.decisions import services as open_decisions
from tas.meetings import bp, rules
from tas.meetings.day import rules as minutes_rules
from tas.meetings.day import services as day
from tas.meetings.day import summary as day_summary
from tas.meetings.day.pages import ids, meeting_page, minutes_page, not_now, organised
from tas.meetings.minutes import services as child_minutes
from tas.meetings.minutes.forms import (
    ConsultationMinutesForm,
    HeldForm,
    MeetingActionForm,
    MinutesForm,
)
from tas.meetings.models import AgendaItem, Meeting
from tas.plans import rules as plan_rules
from tas.plans.forms import StartPlanForm
from tas.plans.leads import lead_candidates
from tas.plans.services import start_plan, start_problems
from tas.reviews.services import due_after


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/minutes", methods=["GET", "POST"])
def minutes(meeting_id: int, item_id: int):
    meeting = organised(meeting_id)
    item = child_minutes.item_of(meeting, item_id)
    why = day.why_not_recordable(meeting)
    read_only = meeting.status == "held"
    if why and not (read_only and request.method == "GET"):
        return not_now(meeting, why)
    if request.method == "GET":
        day.viewed("minutes_viewed", item, **ids(item))
    form_class = ConsultationMinutesForm if item.anonymous else MinutesForm
    form = None
    result = None
    if not read_only:
        form = form_class(data=form_class.data_from(item) if request.method == "GET" else None)
        result = submit_change(
            form,
            item,
            lambda version, values: child_minutes.save_minutes(item, current_user, version, values),
            thing="item's minutes",
            saved_form=lambda fresh: form_class(formdata=None, data=form_class.data_from(fresh)),
            check=lambda values: child_minutes.minutes_problems(item, values),
        )
        if result.saved:
            saved_banner(result, "The minutes have been saved")
            return redirect(minutes_page(meeting, item, "actions"))
    return render_template(
        "meetings/day/minutes.html",
        title="Minutes",
        meeting=meeting,
        item=item,
        form=form,
        comparison=result.comparison if result else None,
        plan=child_minutes.plan_state(meeting, item, current_user),
        actions=day_summary.actions_agreed(meeting.id, item.child_id) if item.child_id else [],
        next_item=child_minutes.next_item_id(meeting, item),
        labels={
            "part": minutes_rules.labels(rules.FAMILY_PARTS),
            "decision": minutes_rules.labels(rules.DECISIONS),
            "status": minutes_rules.labels(plan_rules.ACTION_STATUSES),
        },
    ), (result.status if result else 200)


def _child_item(meeting_id: int, item_id: int) -> tuple[Meeting, AgendaItem]:
    meeting = organised(meeting_id)
    item = child_minutes.item_of(meeting, item_id)
    if item.anonymous:
        abort(404)  # an anonymous consultation has no child, so no plan and no family
    return meeting, item


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/actions/new", methods=["GET", "POST"])
def minutes_action_add(meeting_id: int, item_id: int):
    meeting, item = _child_item(meeting_id, item_id)
    why = day.why_not_recordable(meeting)
    if why:
        return not_now(meeting, why)
    if request.method == "GET":
        day.viewed("meeting_action_add_opened", item, **ids(item))
    state = child_minutes.plan_state(meeting, item, current_user)
    if not state.may_add:
        return not_now(meeting, state.problem or _no_plan(item))
    form = MeetingActionForm(choices=child_minutes.owner_choices(state.plan))
    once(form)
    try:
        action = submit_new(
            form,
            lambda values: child_minutes.add_meeting_action(
                meeting, state.plan, current_user, values
            ),
            check=lambda values: child_minutes.meeting_action_problems(meeting, state.plan, values),
        )
    except AlreadySubmitted:
        return already_saved(minutes_page(meeting, item, "actions"))
    if action is not None:
        flash("The action has been added to the child's shared plan", "success")
        return redirect(minutes_page(meeting, item, "actions"))
    return render_template(
        "meetings/day/action_form.html",
        title="Add an action agreed at this meeting",
        meeting=meeting,
        item=item,
        plan=state.plan,
        form=form,
    )


def _no_plan(item: AgendaItem) -> str:
    return (
        f"{item.child.first_name} has no open shared plan. To start one from the minutes, save "
        "the decision \u201cOpen or continue the shared plan\u201d first."
    )


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/plan/new", methods=["GET", "POST"])
def minutes_plan_start(meeting_id: int, item_id: int):
    meeting, item = _child_item(meeting_id, item_id)
    why = day.why_not_recordable(meeting)
    if why:
        return not_now(meeting, why)
    state = child_minutes.plan_state(meeting, item, current_user)
    if not state.may_start:
        if state.plan is not None:
            return not_now(meeting, f"{item.child.first_name} already has an open shared plan")
        return not_now(meeting, state.problem or _no_plan(item))
    if request.method == "GET":
        day.viewed("plan_start_opened", item.child, **ids(item))
    agreement = current_agreement(item.child_id)
    opened = today()
    # The plan review rule in force (a coordinator may change it) gives the first review date.
    defaults = {"started_on": opened, "next_review_on": due_after("plan_review", opened)}
    form = StartPlanForm(
        data=defaults if request.method == "GET" else None, leads=lead_candidates(agreement)
    )
    plan = submit_new(
        form,
        lambda values: start_plan(item.child, current_user, agreement, values),
        check=lambda values: start_problems(item.child, agreement, values),
    )
    if plan is not None:
        flash(f"Shared plan {plan.reference} has been started", "success")
        return redirect(minutes_page(meeting, item, "actions"))
    return render_template(
        "meetings/day/start_plan.html",
        title="Start a shared plan",
        meeting=meeting,
        item=item,
        agreement=agreement,
        form=form,
    )


@bp.route("/<int:meeting_id>/minutes-complete", methods=["GET", "POST"])
def minutes_complete(meeting_id: int):
    meeting = organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return not_now(meeting, why)
    form = HeldForm(data={"version": meeting.version} if request.method == "GET" else None)
    refused, status = False, 200
    staying = open_decisions.left_open(open_decisions.to_complete(meeting.id))
    if request.method == "GET":
        child_ids = [i.child_id for i in day_summary.standing_items(meeting.id) if i.child_id]
        day.viewed("minutes_complete_viewed", meeting, child_ids=child_ids)
    elif form.validate_on_submit():
        try:
            child_minutes.mark_held(
                meeting, current_user, form.loaded_version(), form.open_decisions_reason.data
            )
        except child_minutes.NotComplete as not_complete:
            refused = True
            if not_complete.reason_problem:
                form.open_decisions_reason.errors = [not_complete.reason_problem]
            child_ids = [i.child_id for i in day_summary.standing_items(meeting.id) if i.child_id]
            audit_view("minutes_complete_refused", target=meeting, detail={"child_ids": child_ids})
        except StaleEdit:
            meeting = reloaded(meeting)
            form.version.data = str(meeting.version)
            form.version.errors = [
                "Someone else changed this meeting while you were looking at it: check the "
                "meeting, then mark the minutes complete again"
            ]
            status = 409
        else:
            flash("The minutes are complete and the meeting is held", "success")
            return redirect(meeting_page(meeting))
    missing = day_summary.missing_for_held(
        day_summary.standing_items(meeting.id), day_summary.standing_invitations(meeting.id)
    )
    return render_template(
        "meetings/day/held.html",
        title="Minutes complete",
        meeting=meeting,
        form=form,
        missing=missing,
        refused=refused,
        due_on=day.minutes_due_on(meeting),
        staying=staying,
    ), status


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/family-version")
def family_version(meeting_id: int, item_id: int):
    meeting, item = _child_item(meeting_id, item_id)
    if meeting.status == "cancelled":
        return not_now(meeting, minutes_rules.CANCELLED)
    if not minutes_rules.has_started(meeting.starts_at, utcnow()):
        return not_now(meeting, minutes_rules.NO_FAMILY_VERSION_YET)
    day.viewed("family_version_viewed", item, **ids(item))
    version = child_minutes.family_version(meeting, item)
    return render_template(
        "meetings/day/family_version.html",
        title="Family version of the minutes",
        meeting=meeting,
        item=item,
        child=item.child,
        version=version,
        decision=label(rules.DECISIONS_FOR_THE_FAMILY, item.decision) if item.decision else None,
    )
