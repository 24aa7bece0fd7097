"""Pages for the day of a meeting: who is present, attendance, minutes per item, the actions
agreed (straight onto the child's plan), minutes complete, and the family's printed version.

Every page is for organisers (the school's DSL, linked link workers, the chair) through the one
access check, `require(..., MeetingAccess.ORGANISE)`; invited practitioners read the minutes on
the meeting page. URLs carry ids only, never a child's name.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.editing import Difference, Submitted, saved_banner, submit_change, submit_new
from tas.core.forms import ButtonForm
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import Refused, StaleEdit
from tas.meetings import bp, rules
from tas.meetings.day import rules as minutes_rules
from tas.meetings.day import services as day
from tas.meetings.day import summary as day_summary
from tas.meetings.day.forms import (
    PresentForm,
    UninvitedForm,
    attendance_data,
    attendance_form,
)
from tas.meetings.day.pages import meeting_page, not_now, organised
from tas.organisations.services import agencies

# The action page (tas.plans) names the meeting that agreed an action.


# ---------------------------------------------------------------- presence and attendance


@bp.route("/<int:meeting_id>/present", methods=["GET", "POST"])
def present(meeting_id: int):
    meeting = organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return not_now(meeting, why)
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
        return redirect(meeting_page(meeting))
    return render_template(
        "meetings/day/present.html",
        title="Who is present",
        meeting=meeting,
        form=form if chair else None,
        comparison=result.comparison,
        statement=minutes_rules.CONFIDENTIALITY_STATEMENT,
        invitations=day_summary.standing_invitations(meeting.id),
        uninvited=day_summary.uninvited_of(meeting.id),
        names=day.invitation_name,
        attendance_labels=minutes_rules.labels(rules.ATTENDANCE),
    ), result.status


@bp.route("/<int:meeting_id>/attendance", methods=["GET", "POST"])
def attendance(meeting_id: int):
    meeting = organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return not_now(meeting, why)
    if request.method == "GET":
        day.viewed("attendance_viewed", meeting)
    invitations = day_summary.standing_invitations(meeting.id)
    names = {invitation.id: day.invitation_name(invitation) for invitation in invitations}
    before_the_move = day_summary.answered_before_the_move(meeting.id, invitations)
    opened = attendance_data(invitations, before_the_move) if request.method == "GET" else None
    form = attendance_form(invitations, names, data=opened)
    comparison, status = None, 200
    if form.validate_on_submit():
        try:
            changed = day.record_attendance(meeting, current_user, invitations, form.values())
        except Refused as refused:
            form.show(refused.problems)
        except day.StaleAttendance as stale:
            comparison, status = _stale_attendance(form, names, stale.invitation_ids), 409
        except StaleEdit:  # lost a race at the flush: every row is checked again
            comparison = _stale_attendance(form, names, list(names))
            status = 409
        else:
            saved_banner(Submitted(saved=True, changed=bool(changed)), "Attendance has been saved")
            return redirect(meeting_page(meeting))
    return render_template(
        "meetings/day/attendance.html",
        title="Attendance",
        meeting=meeting,
        form=form,
        names=names,
        answers=minutes_rules.labels(rules.ANSWERS),
        before_the_move=before_the_move,
        comparison=comparison,
        uninvited=day_summary.uninvited_of(meeting.id),
    ), status


def _stale_attendance(form, names: dict[int, str], stale_ids: list[int]) -> list[Difference]:
    """Both versions of each invitation someone else saved; the form now carries the saved
    versions, so saving again is a deliberate choice to keep what this person typed."""
    labels = minutes_rules.labels(rules.ATTENDANCE)
    fresh = day.saved_invitations(stale_ids)
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
    meeting = organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return not_now(meeting, why)
    form = UninvitedForm(agencies=agencies())
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
    meeting = organised(meeting_id)
    why = day.why_not_recordable(meeting)
    if why:
        return not_now(meeting, why)
    if ButtonForm().validate_on_submit():
        day.remove_uninvited(meeting, attendee_id)
        flash("The person has been removed from the attendance", "success")
    return redirect(url_for("meetings.attendance", meeting_id=meeting.id))


# ---------------------------------------------------------------- minutes and actions


# ---------------------------------------------------------------- held, and the family version
