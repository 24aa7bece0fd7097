"""Forms that add something are sent once: a double click, a resent POST or the back button
never books a second meeting or puts an action on a plan twice.

Such a form carries a one-time token (a hidden `submission` field, new each time the empty form
is shown). The view calls `once(form)` before the use case; the use case's single commit
(tas.core.use_cases.commit) claims the token in the same transaction. A token already claimed,
by an earlier send or by a send racing this one (the primary key decides), raises
AlreadySubmitted and nothing is saved; the view says so and shows what was saved the first time.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from flask import flash, g, has_app_context, has_request_context, redirect, request
from flask_login import current_user
from sqlalchemy import ForeignKey, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField

from tas.core.clock import utcnow
from tas.core.database import UTCDateTime
from tas.extensions import db

# What new_token makes: anything else was not made here (a token typed into the page or sent by
# a script), and is never looked up or stored; the form's own check refuses its characters.
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
ALREADY_SAVED = "This was already saved when the form was first sent, so it was not saved again"


class UsedSubmission(db.Model):
    """A one-time form token that has been used."""

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlreadySubmitted(Exception):
    """This form was sent before: its change is saved already."""


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SentOnce:
    """Mixin for a form that adds something: its one-time token."""

    submission = HiddenField(default=new_token)


def once(form, saved_at: str | None = None) -> None:
    """When the form is being sent, the next commit in this request claims its token. With
    `saved_at`, a form sent again goes there, where what the first send saved is shown, and
    says so (`sent_again`), without the view catching AlreadySubmitted itself."""
    if not has_request_context() or request.method != "POST":
        return
    token = (form.submission.data or "").strip()
    g.submission_token = token if TOKEN.fullmatch(token) else None
    g.saved_at = saved_at


def sent_again(_error: AlreadySubmitted):
    """The app's answer to a form sent again that its view did not catch: what the first send
    saved (`once`'s saved_at), or the form's own page, saying nothing was saved twice."""
    return already_saved(g.get("saved_at") or request.path)


def already_saved(url: str):
    """Where a form sent again goes: what the first send saved, and why nothing happened."""
    flash(ALREADY_SAVED, "success")
    return redirect(url)


def refuse_if_used() -> None:
    """AlreadySubmitted when the request's token was used before: a use case whose own checks
    would refuse a second send (one open request per child, say) says "already saved"."""
    token = g.get("submission_token") if has_app_context() else None
    if token is not None and db.session.get(UsedSubmission, token) is not None:
        raise AlreadySubmitted


def claim(user_id: int | None = None) -> None:
    """Claim the request's token (if any) in the current transaction; AlreadySubmitted when it
    was claimed before. Called by the one commit of a use case."""
    token = g.pop("submission_token", None) if has_app_context() else None
    if token is None:
        return
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    if db.session.get(UsedSubmission, token) is not None:
        raise AlreadySubmitted
    db.session.add(UsedSubmission(token=token, user_id=user_id))
    try:
        db.session.flush()
    except IntegrityError as error:  # another send of the same form committed first
        db.session.rollback()
        raise AlreadySubmitted from error
