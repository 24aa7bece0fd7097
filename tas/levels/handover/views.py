"""Booking the handover (TAF) meeting from a child's level of need page, after a step down.
Registered on the levels blueprint. Reading needs READ on the child (tas.children.access, 404
otherwise); booking is for those who book the school's meetings (tas.meetings.access, 403)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.children import access as children
from tas.children.access import Access
from tas.children.models import Child
from tas.core.editing import all_at_once
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import Refused
from tas.extensions import db
from tas.levels import bp
from tas.levels.handover import services as handover
from tas.levels.handover.forms import HandoverForm
from tas.levels.pages import level_url, not_now, viewed
from tas.meetings import rules as meeting_rules
from tas.meetings.access import may_organise_school
from tas.meetings.booking import services as booking
from tas.meetings.booking.checks import chair_candidates
from tas.meetings.models import Meeting
from tas.meetings.rooms import services as rooms

TITLE = "Book the handover (TAF) meeting"
NOT_DUE = (
    "No handover (TAF) meeting is due for this child: it is due after Children's Social Care "
    "steps the case down to early help"
)


@bp.route("/level/handover", methods=["GET", "POST"], endpoint="handover")
def book(child_id: int):
    """The booking page: the child on the agenda, the agencies involved and the family. Every
    page shown is about the child, so every request is audited, a send as well as a read (before
    the records are loaded: the audit's commit expires them)."""
    children.require(current_user, child_id, Access.READ)
    child = db.session.get(Child, child_id)
    if not may_organise_school(current_user, child.school_id):
        abort(403)
    viewed("handover_booking_opened", child_id)
    booking_for = handover.handover_booking(child)
    if booking_for is None:
        return not_now(child, TITLE, NOT_DUE)
    if booking_for.booked:
        return booked_already(child, booking_for.booked)
    chairs = chair_candidates([child.school_id])
    data = None
    if request.method == "GET":
        ticked = [invitee for invitee in booking_for.invitees if invitee.ticked]
        data = {"invite": [str(invitee.agency.id) for invitee in ticked]}
        if any(person.id == current_user.id for person in chairs):
            data["chair"] = str(current_user.id)
    form = HandoverForm(
        data=data,
        chairs=chairs,
        rooms=rooms.rooms_of([child.school_id]),
        invitees=booking_for.invitees,
    )
    clashes: list[Meeting] = []
    closed = None
    status = 200
    if not form.validate_on_submit():
        all_at_once(
            form,
            lambda values: handover.handover_problems(
                booking_for, current_user, values, form.agency_ids()
            ),
        )
    else:
        once(form)
        try:
            meeting = handover.book_handover(
                booking_for,
                current_user,
                form.values(),
                form.agency_ids(),
                anyway=form.book_anyway.data,
                on_closed_day=form.book_on_closed_day.data,
            )
        except AlreadySubmitted:
            return already_saved(level_url(child_id) + "#handover")
        except handover.AlreadyBooked as booked:
            return booked_already(child, booked.meetings)
        except booking.Clashes as clash:
            clashes, closed = clash.meetings, clash.closed
            form.show(clash.problems)
        except Refused as refused:
            form.show(refused.problems)
        else:
            flash(
                f"The handover (TAF) meeting {meeting.reference} has been booked, with the "
                "child on its agenda",
                "success",
            )
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "levels/handover.html",
        title=TITLE,
        child=child,
        form=form,
        booking_for=booking_for,
        clashes=clashes,
        closed=closed,
        rules=meeting_rules,
    ), status


def booked_already(child: Child, meetings: list[Meeting]):
    """The handover meeting is booked already (the level page hides the button, but another
    tab or organiser may still send the form): the meeting, with a link, and nothing booked
    again (409 for a send)."""
    page = render_template(
        "levels/handover_booked.html", title=TITLE, child=child, meetings=meetings
    )
    return page, 409 if request.method == "POST" else 200
