"""Pages for a school's saved rooms: the list with the form to save one, and removing one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.editing import submit_new
from tas.core.submissions import AlreadySubmitted, already_saved, once
from tas.meetings import bp
from tas.meetings.booking.checks import schools_for
from tas.meetings.rooms import services as rooms
from tas.meetings.rooms.forms import RoomForm


@bp.route("/rooms", methods=["GET", "POST"])
def saved_rooms():
    """The saved rooms of the schools this person books meetings for, and a form to add one."""
    schools = schools_for(current_user)
    if not schools:
        abort(403)
    only = {"school": str(schools[0].id)} if len(schools) == 1 else None
    form = RoomForm(data=only if request.method == "GET" else None, schools=schools)
    once(form)
    try:
        added = submit_new(form, lambda values: rooms.add_room(current_user, values))
    except AlreadySubmitted:
        return already_saved(url_for("meetings.saved_rooms"))
    if added is not None:
        flash(f"{added.name} has been saved as a room of {added.school.name}", "success")
        return redirect(url_for("meetings.saved_rooms"))
    return render_template(
        "meetings/rooms/rooms.html",
        form=form,
        schools=schools,
        rooms=rooms.rooms_of(school.id for school in schools),
        title="Saved rooms",
    )


@bp.route("/rooms/<int:room_id>/remove", methods=["POST"])
def room_remove(room_id: int):
    removed = rooms.remove_room(current_user, room_id)
    if removed is None:
        abort(404)
    flash(f"{removed.name} has been removed from the saved rooms", "success")
    return redirect(url_for("meetings.saved_rooms"))
