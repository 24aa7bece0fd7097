"""Deny by default: every endpoint needs a signed-in user unless it is on the public list."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, flash, g, has_request_context, redirect, request, url_for
from flask_login import current_user

from tas.auth import rules, services
from tas.auth.factors import rules as rules_2f
from tas.auth.factors import services as second_factors
from tas.core.pending_forms import keep_pending_form
from tas.extensions import login_manager

# The only endpoints a signed-out visitor may reach (docs/security.md C12).
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "auth.sign_in",
        "auth.password_reset",
        "auth.password_reset_sent",
        "auth.password_link",
        "ical.feed",  # the secret in the link is the key (docs/security.md F26)
        "pages.accessibility",
        "pages.privacy",
        "pages.cookies",
        "pages.healthz",
    }
)
# What a session that still needs its second factor may reach (tas.auth.factors): giving it,
# or setting one up, and signing out.
STILL_SIGNING_IN = frozenset({"auth.sign_out", "auth.extend_session"})
ONLY_WHILE = {
    rules_2f.CONFIRM: STILL_SIGNING_IN
    | {"auth.second_factor", "auth.recovery_code", "auth.passkey_options"},
    rules_2f.ENROL: STILL_SIGNING_IN
    | {
        "auth.set_up_second_factor",
        "auth.set_up_app",
        "auth.add_passkey",
        "auth.passkey_registration_options",
    },
}
FIRST_PAGE = {rules_2f.CONFIRM: "auth.second_factor", rules_2f.ENROL: "auth.set_up_second_factor"}
# Fields never kept when a form arrives after a timeout.
NOT_KEPT = ("csrf_token", "password", "current_password", "new_password", "confirm_password")
# ... nor any second factor, or the confirmation's own fields (tas.auth.factors).
NOT_KEPT += ("code", "recovery", "passkey", "passkey_response")
NOT_KEPT_PREFIX = "fresh_"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
TIMEOUT_MESSAGES = {
    "idle": "You were signed out because you had not done anything for a while.",
    "absolute": "You were signed out because you signed in more than {hours} hours ago.",
}


@login_manager.user_loader
def _load_user(token: str):
    return services.user_for_session(token)


def register_guard(app: Flask) -> None:
    """Check the session on every request; send signed-out visitors to the sign-in page."""
    login_manager.session_protection = None  # the session row is the protection

    @app.context_processor
    def _session_clock():
        if not has_request_context() or not current_user or not current_user.is_authenticated:
            return {}
        return {"session_seconds_left": services.seconds_until_idle_timeout(current_user)}

    @app.before_request
    def _require_sign_in():
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None  # unknown URLs answer 404, public pages are open
        if current_user.is_authenticated:
            return _second_factor_first()
        return_to = _return_path()
        timeout = g.get("session_timeout")
        if timeout:
            user_id, reason = timeout
            hours = app.config["SESSION_ABSOLUTE_HOURS"]
            flash(TIMEOUT_MESSAGES[reason].format(hours=hours), "info")
            if request.method == "POST" and return_to and request.mimetype in FORM_TYPES:
                kept = [
                    (k, v)
                    for k, v in request.form.items(multi=True)
                    if k not in NOT_KEPT and not k.startswith(NOT_KEPT_PREFIX)
                ]
                if kept:
                    keep_pending_form(user_id, return_to.split("?", 1)[0], kept)
                    flash("Sign in again and what you typed will be back in the form.", "info")
        if return_to in (None, "/"):
            return redirect(url_for("auth.sign_in"))
        return redirect(url_for("auth.sign_in", next=return_to))


def _second_factor_first():
    """A session that still needs its second factor (given or set up) reaches only the pages
    for that: anything else goes there first, and comes back after."""
    needed = second_factors.needs(current_user)
    if needed == rules_2f.ENROL:
        # Someone else with the password may have set one up since (the owner after a reset):
        # this session must then give it, never set up another in its place.
        needed = second_factors.enrolment_still_needed(current_user)
    if needed is None or request.endpoint in ONLY_WHILE[needed]:
        return None
    return_to = _return_path()
    if return_to in (None, "/"):
        return redirect(url_for(FIRST_PAGE[needed]))
    return redirect(url_for(FIRST_PAGE[needed], next=return_to))


def _return_path() -> str | None:
    """The page to come back to after signing in: this one, or the page that sent this form.

    A form may post to an address that only accepts POST (ending a session, say): coming back
    to it would be a 405, so the visitor returns to the page the form was on instead.
    """
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    if request.url_rule is not None and "GET" in request.url_rule.methods:
        return request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path:
        return None
    return rules.safe_next(urlunsplit(("", "", referrer.path, referrer.query, "")))
