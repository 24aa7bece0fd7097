"""The notifications page (a person's reminders in the app) and the unread count."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.forms import ButtonForm
from tas.reminders import bp, notifications


def _page_number() -> int:
    """The page asked for; anything that is not a page number shows the first page."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1


def _me():
    """The signed-in person; an administrator, who gets no reminders, has no notifications."""
    me = current_user._get_current_object()
    if not me.has_own_work:
        abort(404)
    return me


@bp.route("", endpoint="notifications")
def notifications_page():
    """The signed-in person's notifications, newest first. Opening it marks nothing as read."""
    page = notifications.page_of(_me(), _page_number())
    return render_template(
        "reminders/notifications.html",
        title="Notifications",
        page=page,
        action_form=ButtonForm(),
    )


@bp.post("/read")
def mark_all_read():
    if not ButtonForm().validate_on_submit():
        abort(400)
    count = notifications.mark_all_read(_me())
    if count:
        flash(f"{count} notification{'s' if count != 1 else ''} marked as read.", "success")
    return redirect(url_for(".notifications"))


@bp.post("/<int:reminder_id>/read")
def mark_read(reminder_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    if notifications.mark_read(_me(), reminder_id) is None:
        abort(404)
    return redirect(url_for(".notifications", page=_page_number()))
