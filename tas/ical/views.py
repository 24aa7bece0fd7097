"""The calendar pages: a meeting's .ics download, the coordinators' export, a person's
subscription feed, and the account page's buttons that make or turn off its link."""

from __future__ import annotations

import hashlib

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from tas.audit.services import audit_view
from tas.auth.account import account_page
from tas.auth.feed_links import feed_url, feeds_on, make_link, owner_of, revoke_link
from tas.core.clock import utcnow
from tas.ical import bp, exports
from tas.ical import facts as calendar_facts
from tas.ical.build import calendar, meeting_event, published, to_bytes
from tas.ical.feeds import feed_calendar, missed, not_found, slow_down, too_many_misses
from tas.ical.forms import ExportForm
from tas.meetings.access import MeetingAccess, require
from tas.meetings.lists.filters import filter_options


@bp.route("/meetings/<int:meeting_id>/calendar.ics")
def meeting_ics(meeting_id: int):
    """The meeting as a calendar file; 404 for someone who may not know it exists."""
    meeting, level = require(current_user, meeting_id, MeetingAccess.ARRANGEMENTS)
    facts = published(calendar_facts.facts(meeting, []))
    body = to_bytes(calendar([meeting_event(facts)], method="PUBLISH"))
    filename = f"{meeting.reference}.ics"
    audit_view("meeting_calendar_downloaded", target=meeting, detail={"level": level.name.lower()})
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/meetings/export")
def export():
    if current_user.role != "coordinator":
        abort(403)
    form = ExportForm(filter_options(current_user))
    wanted = bool(form.ics.data or form.spreadsheet.data)
    if not (wanted and form.validate()):  # the form, with errors once it was sent
        return render_template("meetings/export.html", form=form, title="Export meetings")
    parts, mimetype, name = exports.export_file(form)
    # Streamed: written while the rows are read, a batch at a time (tas/ical/exports.py).
    response = Response(stream_with_context(parts), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/account/calendar-feed", methods=["POST"])
def feed_make():
    """Create or replace the link, and show it once on the account page."""
    if not feeds_on() or not current_user.has_own_work:
        abort(404)
    user = current_user._get_current_object()
    secret = make_link(user)
    return account_page(new_feed_url=feed_url(secret))


@bp.route("/account/calendar-feed/revoke", methods=["POST"])
def feed_revoke():
    if not feeds_on():
        abort(404)
    if revoke_link(current_user._get_current_object()):
        flash("Your calendar feed link has been turned off. It no longer works.", "success")
    return redirect(url_for("auth.account", _anchor="calendar-feed"))


@bp.route("/calendar/feed/<token>.ics")
def feed(token: str):
    if not feeds_on():
        return not_found()
    now = utcnow()
    if too_many_misses(now):
        return slow_down()
    found = owner_of(token)
    if found is None:
        return missed(now)
    body = feed_calendar(*found)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.set_etag(hashlib.sha256(body).hexdigest())
    # Kept by the calendar program only (private), and asked about each time (no-cache): the
    # ETag makes asking cheap, and no stale copy is ever shown.
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)
