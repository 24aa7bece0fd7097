"""The account page's calendar feed buttons: make (or replace) the user's secret feed link and
show it once, or turn it off. They render the account page (tas.auth.views), which itself shows
the feed (tas.ical.feeds), so they live apart from the feed to keep imports one way."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from tas.auth.account import account_page
from tas.ical import bp
from tas.ical.feeds import feed_url, feeds_on, make_link, revoke_link


@bp.route("/account/calendar-feed", methods=["POST"])
def feed_make():
    """Create or replace the link, and show it once on the account page."""
    if not feeds_on():
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
