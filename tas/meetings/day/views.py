"""Pages for the day of a meeting: who is present, attendance, minutes per item, the actions
agreed (straight onto the child's plan), minutes complete, and the family's printed version.

Every page is for organisers (the school's DSL, linked link workers, the chair) through the one
access check, `require(..., MeetingAccess.ORGANISE)`; invited practitioners read the minutes on
the meeting page. URLs carry ids only, never a child's name.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, or_, select

from tas.audit.services import audit_view
from tas.children.access import current_agreement
from tas.core.choices import label
from tas.core.clock import today
from tas.core.editing import Difference, submit_change, submit_new
from tas.core.forms import ButtonForm
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import Refused, StaleEdit
from tas.extensions import db
from tas.levels.decisions import services as open_decisions
from tas.meetings import bp, rules
from tas.meetings.access import MeetingAccess, on_agenda_now, require
from tas.meetings.day import minutes as child_minutes
from tas.meetings.day import rules as minutes_rules
from tas.meetings.day import services as day
from tas.meetings.day.forms import (
    ConsultationMinutesForm,
    HeldForm,
    MeetingActionForm,
    MinutesForm,
    PresentForm,
    UninvitedForm,
    attendance_data,
    attendance_form,
)
from tas.meetings.models import AgendaItem, Invitation, Meeting
from tas.organisations.models import Agency
from tas.plans import rules as plan_rules
from tas.plans.forms import StartPlanForm
from tas.plans.shared_plans import lead_candidates, start_plan
from tas.reviews.services import due_after

# The action page (tas.plans) names the meeting that agreed an action.


def _organised(meeting_id: int) -> Meeting:
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    return meeting


def _meeting_page(meeting: Meeting, anchor: str = "on-the-day") -> str:
    return url_for("meetings.meeting", meeting_id=meeting.id) + f"#{anchor}"


def _minutes_page(meeting: Meeting, item: AgendaItem, anchor: str = "") -> str:
    url = url_for("meetings.minutes", meeting_id=meeting.id, item_id=item.id)
    return url + (f"#{anchor}" if anchor else "")


def _not_now(meeting: Meeting, why: str, *, status: int = 403):
    """This cannot be done to this meeting now: a page saying why, with the way back."""
    page = render_template(
        "meetings/day/not_now.html", title="You cannot do this now", meeting=meeting, why=why
    )
    return page, status


def _ids(item: AgendaItem) -> dict:
    ids = {"meeting_id": item.meeting_id}
    if item.child_id is not None:
        ids["child_id"] = item.child_id
    return ids


# ---------------------------------------------------------------- presence and attendance


@bp.route("/<int:meeting_id>/present", methods=["GET", "POST"])
def present(meeting_id: int):
    meeting = _organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return _not_now(meeting, why)
    chair = day.may_confirm_presence(meeting, current_user)
    if request.method == "POST" and not chair:
        abort(403)
    if request.method == "GET":
        day.viewed("meeting_presence_viewed", meeting)
    form = PresentForm(data=PresentForm.data_from(meeting) if request.method == "GET" else None)
    result = submit_change(
        form,
        meeting,
        lambda version, values: day.confirm_present(meeting, current_user, version, values),
        thing="meeting",
        saved_form=lambda fresh: PresentForm(formdata=None, data=PresentForm.data_from(fresh)),
    )
    if result.saved:
        flash("Who is present and the confidentiality statement have been confirmed", "success")
        return redirect(_meeting_page(meeting))
    return render_template(
        "meetings/day/present.html",
        title="Who is present",
        meeting=meeting,
        form=form if chair else None,
        comparison=result.comparison,
        statement=minutes_rules.CONFIDENTIALITY_STATEMENT,
        invitations=day.standing_invitations(meeting.id),
        uninvited=day.uninvited_of(meeting.id),
        names=day.invitation_name,
        attendance_labels=minutes_rules.labels(rules.ATTENDANCE),
    ), result.status


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id: int):
    meeting = _organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return _not_now(meeting, why)
    if request.method == "GET":
        day.viewed("attendance_viewed", meeting)
    invitations = day.standing_invitations(meeting.id)
    names = {invitation.id: day.invitation_name(invitation) for invitation in invitations}
    opened = attendance_data(invitations) if request.method == "GET" else None
    form = attendance_form(invitations, names, data=opened)
    comparison, status = None, 200
    if form.validate_on_submit():
        try:
            day.record_attendance(meeting, current_user, invitations, form.values())
        except Refused as refused:
            form.show(refused.problems)
        except day.StaleAttendance as stale:
            comparison, status = _stale_attendance(form, names, stale.invitation_ids), 409
        except StaleEdit:  # lost a race at the flush: every row is checked again
            comparison = _stale_attendance(form, names, list(names))
            status = 409
        else:
            flash("Attendance has been saved", "success")
            return redirect(_meeting_page(meeting))
    return render_template(
        "meetings/day/attendance.html",
        title="Attendance",
        meeting=meeting,
        form=form,
        names=names,
        answers=minutes_rules.labels(rules.ANSWERS),
        comparison=comparison,
        uninvited=day.uninvited_of(meeting.id),
    ), status


def _stale_attendance(form, names: dict[int, str], stale_ids: list[int]) -> list[Difference]:
    """Both versions of each invitation someone else saved; the form now carries the saved
    versions, so saving again is a deliberate choice to keep what this person typed."""
    labels = minutes_rules.labels(rules.ATTENDANCE)
    fresh = {
        row.id: row
        for row in db.session.scalars(
            select(Invitation)
            .where(Invitation.id.in_(stale_ids))
            .execution_options(populate_existing=True)
        )
    }
    differences = []
    for invitation_id in stale_ids:
        saved = fresh.get(invitation_id)
        if saved is None:
            continue
        yours = form[f"attendance_{invitation_id}"]
        came = form[f"attended_by_{invitation_id}"]
        if saved.version == form.version_of(saved):
            continue
        differences += [
            Difference(
                f"{names[invitation_id]}: attendance",
                labels.get(yours.data, "Not recorded"),
                labels.get(saved.attendance, "Not recorded"),
            ),
            Difference(
                f"{names[invitation_id]}: who came", came.data or "", saved.attended_by or ""
            ),
        ]
        form[f"version_{invitation_id}"].data = str(saved.version)
        yours.errors = [
            f"Someone else changed the attendance for {names[invitation_id]} while you were "
            "editing it"
        ]
    return differences


@bp.route("/<int:meeting_id>/attendance/uninvited", methods=["GET", "POST"])
def uninvited_add(meeting_id: int):
    meeting = _organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return _not_now(meeting, why)
    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    form = UninvitedForm(agencies=agencies)
    once(form)
    try:
        added = submit_new(form, lambda values: day.add_uninvited(meeting, current_user, values))
    except AlreadySubmitted:
        return already_saved(url_for("meetings.attendance", meeting_id=meeting.id))
    if added is not None:
        flash("The person who came without an invitation has been added", "success")
        return redirect(url_for("meetings.attendance", meeting_id=meeting.id))
    return render_template(
        "meetings/day/uninvited.html",
        title="Add someone who came without an invitation",
        meeting=meeting,
        form=form,
    )


@bp.route("/<int:meeting_id>/attendance/uninvited/<int:attendee_id>/remove", methods=["POST"])
def uninvited_remove(meeting_id: int, attendee_id: int):
    meeting = _organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return _not_now(meeting, why)
    if ButtonForm().validate_on_submit():
        day.remove_uninvited(meeting, attendee_id)
        flash("The person has been removed from the attendance", "success")
    return redirect(url_for("meetings.attendance", meeting_id=meeting.id))


# ---------------------------------------------------------------- minutes and actions


def _next_item(meeting: Meeting, item: AgendaItem) -> int | None:
    """The next item on the agenda, for the "next thing" link (one query)."""
    return db.session.scalar(
        select(AgendaItem.id)
        .where(
            AgendaItem.meeting_id == meeting.id,
            on_agenda_now(),
            or_(
                AgendaItem.position > item.position,
                and_(AgendaItem.position == item.position, AgendaItem.id > item.id),
            ),
        )
        .order_by(AgendaItem.position, AgendaItem.id)
        .limit(1)
    )


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/minutes", methods=["GET", "POST"])
def minutes(meeting_id: int, item_id: int):
    meeting = _organised(meeting_id)
    item = child_minutes.item_of(meeting, item_id)
    why = day.why_not_recordable(meeting)
    read_only = meeting.status == "held"
    if why and not (read_only and request.method == "GET"):
        return _not_now(meeting, why)
    if request.method == "GET":
        day.viewed("minutes_viewed", item, **_ids(item))
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
        )
        if result.saved:
            flash("The minutes have been saved", "success")
            return redirect(_minutes_page(meeting, item, "actions"))
    return render_template(
        "meetings/day/minutes.html",
        title="Minutes",
        meeting=meeting,
        item=item,
        form=form,
        comparison=result.comparison if result else None,
        plan=child_minutes.plan_state(meeting, item, current_user),
        actions=day.actions_agreed(meeting.id, item.child_id) if item.child_id else [],
        next_item=_next_item(meeting, item),
        labels={
            "part": minutes_rules.labels(rules.FAMILY_PARTS),
            "decision": minutes_rules.labels(rules.DECISIONS),
            "status": minutes_rules.labels(plan_rules.ACTION_STATUSES),
        },
    ), (result.status if result else 200)


def _child_item(meeting_id: int, item_id: int) -> tuple[Meeting, AgendaItem]:
    meeting = _organised(meeting_id)
    item = child_minutes.item_of(meeting, item_id)
    if item.anonymous:
        abort(404)  # an anonymous consultation has no child, so no plan and no family
    return meeting, item


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/actions/new", methods=["GET", "POST"])
def minutes_action_add(meeting_id: int, item_id: int):
    meeting, item = _child_item(meeting_id, item_id)
    why = day.why_not_recordable(meeting)
    if why:
        return _not_now(meeting, why)
    if request.method == "GET":
        day.viewed("meeting_action_add_opened", item, **_ids(item))
    state = child_minutes.plan_state(meeting, item, current_user)
    if not state.may_add:
        return _not_now(meeting, state.problem or _no_plan(item))
    form = MeetingActionForm(choices=child_minutes.owner_choices(meeting, state.plan))
    once(form)
    try:
        action = submit_new(
            form,
            lambda values: child_minutes.add_meeting_action(
                meeting, state.plan, current_user, values
            ),
        )
    except AlreadySubmitted:
        return already_saved(_minutes_page(meeting, item, "actions"))
    if action is not None:
        flash("The action has been added to the child's shared plan", "success")
        return redirect(_minutes_page(meeting, item, "actions"))
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
        return _not_now(meeting, why)
    state = child_minutes.plan_state(meeting, item, current_user)
    if not state.may_start:
        if state.plan is not None:
            return _not_now(meeting, f"{item.child.first_name} already has an open shared plan")
        return _not_now(meeting, state.problem or _no_plan(item))
    if request.method == "GET":
        day.viewed("plan_start_opened", item.child, **_ids(item))
    agreement = current_agreement(item.child_id)
    opened = today()
    # The plan review rule in force (a coordinator may change it) gives the first review date.
    defaults = {"started_on": opened, "next_review_on": due_after("plan_review", opened)}
    form = StartPlanForm(
        data=defaults if request.method == "GET" else None, leads=lead_candidates()
    )
    plan = submit_new(form, lambda values: start_plan(item.child, current_user, agreement, values))
    if plan is not None:
        flash(f"Shared plan {plan.reference} has been started", "success")
        return redirect(_minutes_page(meeting, item, "actions"))
    return render_template(
        "meetings/day/start_plan.html",
        title="Start a shared plan",
        meeting=meeting,
        item=item,
        agreement=agreement,
        form=form,
    )


# ---------------------------------------------------------------- held, and the family version


@bp.route("/<int:meeting_id>/minutes-complete", methods=["GET", "POST"])
def minutes_complete(meeting_id: int):
    meeting = _organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return _not_now(meeting, why)
    form = HeldForm(data={"version": meeting.version} if request.method == "GET" else None)
    refused, status = False, 200
    staying = open_decisions.left_open(open_decisions.to_complete(meeting.id))
    if request.method == "GET":
        child_ids = [item.child_id for item in day.standing_items(meeting.id) if item.child_id]
        day.viewed("minutes_complete_viewed", meeting, child_ids=child_ids)
    elif form.validate_on_submit():
        try:
            day.mark_held(
                meeting, current_user, form.loaded_version(), form.open_decisions_reason.data
            )
        except day.NotComplete as not_complete:
            refused = True
            if not_complete.reason_problem:
                form.open_decisions_reason.errors = [not_complete.reason_problem]
            child_ids = [i.child_id for i in day.standing_items(meeting.id) if i.child_id]
            audit_view("minutes_complete_refused", target=meeting, detail={"child_ids": child_ids})
        except StaleEdit:
            db.session.refresh(meeting)
            form.version.data = str(meeting.version)
            form.version.errors = [
                "Someone else changed this meeting while you were looking at it: check the "
                "meeting, then mark the minutes complete again"
            ]
            status = 409
        else:
            flash("The minutes are complete and the meeting is held", "success")
            return redirect(_meeting_page(meeting))
    missing = day.missing_for_held(
        day.standing_items(meeting.id), day.standing_invitations(meeting.id)
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
        return _not_now(meeting, minutes_rules.CANCELLED)
    day.viewed("family_version_viewed", item, **_ids(item))
    version = day.family_version(meeting, item)
    return render_template(
        "meetings/day/family_version.html",
        title="Family version of the minutes",
        meeting=meeting,
        item=item,
        child=item.child,
        version=version,
        decision=label(rules.DECISIONS, item.decision) if item.decision else None,
    )
