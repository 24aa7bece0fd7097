"""Emails that could not be delivered, shown to coordinators so nothing is lost unseen."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tas.core.forms import ButtonForm
from tas.outbox import bp
from tas.outbox import failed as undelivered


@bp.before_request
def _coordinators_and_admins_only() -> None:
    if not undelivered.may_see(current_user):
        abort(404)


def _page_number() -> int:
    """The page asked for; anything that is not a page number shows the first page."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 1


@bp.route("/failed")
def failed():
    return render_template(
        "outbox/failed.html",
        title="Emails that could not be delivered",
        page=undelivered.page_of(_page_number()),
        struggling_after=undelivered.STRUGGLING_AFTER,
    )


@bp.post("/<int:message_id>/try-again")
def try_again(message_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    done = undelivered.try_again(message_id)
    if done is None:
        abort(404)
    if done == "queued":
        flash(
            f"Email {message_id} will be tried again at the next delivery, within "
            f"{current_app.config['SCHEDULER_PASS_MINUTES']} minutes.",
            "success",
        )
    elif done == "waiting":
        flash(f"Email {message_id} is already waiting to be sent, so nothing was changed.", "info")
    elif done == "not_failed":
        flash(
            f"Email {message_id} has not failed: it is waiting to be sent, so nothing was changed.",
            "info",
        )
    elif done == "sent":
        flash(f"Email {message_id} has been sent since, so nothing was changed.", "info")
    else:
        flash(f"Email {message_id} is being sent already, so nothing was changed.", "info")
    return redirect(url_for(".failed"))
