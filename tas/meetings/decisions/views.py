"""The page that closes a decision in a meeting's minutes with nothing left to record (recorded
elsewhere, or no longer needed), so it is not reminded for ever: for the meeting's chair (its
organiser, with no chair named) and the DSLs of its school, through the meetings access check
and then tas.levels.decisions.closing.may_close. The reason stays in the service; the audit
says which decision closed, never the reason's words. URLs carry ids only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.use_cases import Refused
from tas.levels.decisions import closing as decision_closing
from tas.levels.decisions import services as open_decisions
from tas.meetings import bp
from tas.meetings.access import MeetingAccess, require
from tas.meetings.day import services as day
from tas.meetings.decisions.forms import CloseDecisionForm


@bp.route("/<int:meeting_id>/open-decisions/<int:decision_id>/close", methods=["GET", "POST"])
def close_decision(meeting_id: int, decision_id: int):
    meeting, level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    if not decision_closing.may_close(meeting, current_user):
        abort(403)
    meeting_page = url_for("meetings.meeting", meeting_id=meeting.id) + "#on-the-day"
    still_open = open_decisions.of_meeting(meeting.id, current_user, level)
    decision = next((row for row in still_open if row.id == decision_id), None)
    if decision is None:
        if request.method == "POST":  # closed or recorded since the page was opened
            flash("This decision is no longer open: nothing was changed", "important")
            return redirect(meeting_page)
        abort(404)
    form = CloseDecisionForm()
    if form.validate_on_submit():
        try:
            decision_closing.close_by_hand(meeting, decision.id, current_user, form.reason.data)
        except Refused as refused:
            form.reason.errors = list(refused.problems.values())
        else:
            flash("The decision is closed: nobody is reminded of it any more", "success")
            return redirect(meeting_page)
    action = (
        "minutes_decision_close_viewed"
        if request.method == "GET"
        else "minutes_decision_close_refused"
    )
    day.viewed(action, meeting, child_ids=[decision.child_id], minutes_decision_id=decision.id)
    return render_template(
        "meetings/day/close_decision.html",
        title="Close a decision without a record",
        meeting=meeting,
        decision=decision,
        form=form,
    )
