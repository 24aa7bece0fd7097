"""Pages for booking a meeting, moving or changing it, and cancelling it."""

from __future__ import annotations

import contextlib
from datetime import date, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.clock import local
from tas.core.editing import all_at_once, submit_change
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.core.use_cases import Refused
from tas.core.words import spoken_clocks
from tas.extensions import db
from tas.meetings import bp, rules
from tas.meetings.access import MeetingAccess, require
from tas.meetings.booking import moving
from tas.meetings.booking import services as booking
from tas.meetings.booking.checks import chair_candidates, schools_for
from tas.meetings.booking.forms import BookingForm, CancelForm, MoveForm, compared
from tas.meetings.booking.history import history
from tas.meetings.models import Meeting, MeetingChange
from tas.meetings.rooms import services as rooms
from tas.meetings.rules import SCHEDULED
from tas.organisations.models import User


def _meeting_page(meeting_id: int) -> str:
    return url_for("meetings.meeting", meeting_id=meeting_id)


def _prefilled(schools, chairs) -> dict:
    """A new booking's answers from the address (?school=&date=&kind=, as the series and
    level pages link them), and the defaults: the only school, and the person booking as
    chair if they may."""
    data: dict = {}
    school_ids = {str(school.id) for school in schools}
    wanted = request.args.get("school", "")
    if wanted in school_ids:
        data["school"] = wanted
    elif len(schools) == 1:
        data["school"] = str(schools[0].id)
    if request.args.get("kind", "") in {choice.code for choice in rules.MEETING_KINDS}:
        data["kind"] = request.args["kind"]
    with contextlib.suppress(ValueError):
        data["meeting_date"] = date.fromisoformat(request.args.get("date", ""))
    if any(person.id == current_user.id for person in chairs):
        data["chair"] = str(current_user.id)
    return data


@bp.route("/new", methods=["GET", "POST"])
def new_meeting():
    schools = schools_for(current_user)
    if not schools:
        abort(403)
    chairs = chair_candidates([school.id for school in schools])
    data = _prefilled(schools, chairs) if request.method == "GET" else None
    form = BookingForm(
        data=data, schools=schools, chairs=chairs, rooms=rooms.rooms_of(s.id for s in schools)
    )
    clashes: list[Meeting] = []
    closed = None
    if not form.validate_on_submit():
        all_at_once(form, lambda values: booking.booking_problems(current_user, values))
    else:
        once(form)
        try:
            meeting = booking.book(
                current_user,
                form.values(),
                anyway=form.book_anyway.data,
                on_closed_day=form.book_on_closed_day.data,
            )
        except AlreadySubmitted:
            return already_saved(url_for("meetings.meetings"))
        except booking.Clashes as clash:
            clashes, closed = clash.meetings, clash.closed
            form.show(clash.problems)
        except Refused as refused:
            form.show(refused.problems)
        else:
            flash(f"Meeting {meeting.reference} has been booked", "success")
            return redirect(_meeting_page(meeting.id))
    return render_template(
        "meetings/booking/new.html",
        form=form,
        clashes=clashes,
        closed=closed,
        rules=rules,
        title="Book a meeting",
    )


def _chairs_for(meeting: Meeting) -> list[User]:
    """Who may chair the meeting, keeping its present chair even if they no longer could."""
    chairs = chair_candidates([meeting.school_id])
    if meeting.chair_id and all(person.id != meeting.chair_id for person in chairs):
        present = db.session.get(User, meeting.chair_id)
        if present is not None:
            chairs.append(present)
    return chairs


def _no_longer_scheduled(meeting: Meeting, doing: str, status: int = 200):
    """The page for a meeting that was held or cancelled: it cannot be moved or cancelled."""
    return render_template(
        "meetings/booking/not_scheduled.html",
        meeting=meeting,
        doing=doing,
        typed=request.form if request.method == "POST" else None,
        history=history(meeting),
        rules=rules,
        title=f"This meeting cannot be {doing}",
    ), status


@bp.route("/<int:meeting_id>/move", methods=["GET", "POST"])
def move_meeting(meeting_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    if meeting.status != SCHEDULED:
        return _no_longer_scheduled(meeting, "moved", 409 if request.method == "POST" else 200)
    # A meeting that took place keeps its date and times: the page asks only what may still be
    # corrected (the place, chair and notes), carrying the date and times as they are.
    took_place = moving.took_place(meeting)
    chairs = _chairs_for(meeting)
    not_before = local(meeting.starts_at).date()
    saved_rooms = rooms.rooms_of([meeting.school_id])
    form = MoveForm(
        data=MoveForm.data_from(meeting, saved_rooms) if request.method == "GET" else None,
        chairs=chairs,
        rooms=saved_rooms,
        not_before=not_before,
    )
    clashes: list[Meeting] = []
    closed: list[str] = []
    done: list[MeetingChange] = []

    def change(version, values):
        try:
            done.append(
                moving.move(
                    meeting,
                    current_user,
                    version,
                    values,
                    anyway=form.move_anyway.data,
                    on_closed_day=form.move_on_closed_day.data,
                    to_past=form.move_to_past.data,
                    clear_slots=form.clear_slots.data,
                )
            )
        except booking.Clashes as clash:
            clashes.extend(clash.meetings)
            closed.extend([clash.closed] if clash.closed else [])
            raise
        return done[-1]

    def saved_form(fresh):
        return MoveForm(
            formdata=None,
            data=MoveForm.data_from(fresh, saved_rooms),
            chairs=chairs,
            rooms=saved_rooms,
        )

    result = submit_change(
        form,
        meeting,
        change,
        thing="meeting",
        saved_form=saved_form,
        check=lambda values: moving.move_problems(meeting, values),
    )
    if result.saved:
        flash(_changed_banner(meeting, done[-1]), "success")
        return redirect(_meeting_page(meeting.id))
    if result.status == 409:
        if meeting.status != SCHEDULED:  # refreshed: someone else cancelled it
            return _no_longer_scheduled(meeting, "moved", 409)
        result.comparison = compared(form, saved_form(meeting))
    # The date and times are asked again only when they need putting right (the meeting took
    # place while this person was moving it to another date).
    times_fixed = took_place and not any(
        form[name].errors for name in ("meeting_date", "starts", "ends", "start_fold", "end_fold")
    )
    return render_template(
        "meetings/booking/move.html",
        form=form,
        meeting=meeting,
        clashes=clashes,
        closed=closed[0] if closed else None,
        comparison=result.comparison,
        took_place=took_place,
        times_fixed=times_fixed,
        rules=rules,
        title=CORRECT_TITLE if took_place else "Move or change the meeting",
    ), result.status


CORRECT_TITLE = "Change the place, chair or notes"


def _changed_banner(meeting: Meeting, change: MeetingChange) -> str:
    """The meeting has been changed; and, when the move cleared agenda time slots outside the
    new times, which, so that they are set again (tas.meetings.booking.moving.move)."""
    words = f"Meeting {meeting.reference} has been changed"
    cleared = (change.after or {}).get("slots_cleared") or []
    if not cleared:
        return words
    times = spoken_clocks([time.fromisoformat(slot) for slot in cleared])
    if len(cleared) == 1:
        return (
            f"{words}. Its agenda time slot at {times} was outside the new times and has been "
            "cleared: set a new one on the agenda"
        )
    return (
        f"{words}. Its {len(cleared)} agenda time slots at {times} were outside the new times "
        "and have been cleared: set new ones on the agenda"
    )


def _requests_went_back(count: int, *, will: bool = False) -> str:
    what = "1 request to discuss a child" if count == 1 else f"{count} requests to discuss a child"
    went = "will go" if will else ("goes" if count == 1 else "go")
    return f"{what} on its agenda {went} back to the link worker to triage again"


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel_meeting(meeting_id: int):
    meeting, _level = require(current_user, meeting_id, MeetingAccess.ORGANISE)
    if meeting.status != SCHEDULED:
        return _no_longer_scheduled(meeting, "cancelled", 409 if request.method == "POST" else 200)
    form = CancelForm(data=CancelForm.data_from(meeting) if request.method == "GET" else None)
    returned = moving.accepted_requests(meeting)
    result = submit_change(
        form,
        meeting,
        lambda version, values: moving.cancel(meeting, current_user, version, values["reason"]),
        thing="meeting",
        saved_form=lambda fresh: CancelForm(formdata=None, data=CancelForm.data_from(fresh)),
    )
    if result.saved:
        words = f"Meeting {meeting.reference} has been cancelled"
        if returned:
            words += f": {_requests_went_back(len(returned))}"
        flash(words, "success")
        return redirect(_meeting_page(meeting.id))
    latest = None
    if result.status == 409:
        if meeting.status != SCHEDULED:
            return _no_longer_scheduled(meeting, "cancelled", 409)
        changes = history(meeting)
        latest = changes[-1] if changes else None
    return render_template(
        "meetings/booking/cancel.html",
        form=form,
        meeting=meeting,
        requests_back=_requests_went_back(len(returned), will=True) if returned else None,
        latest=latest,
        rules=rules,
        title="Cancel the meeting",
    ), result.status
