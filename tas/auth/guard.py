"""Deny by default: every endpoint needs a signed-in user unless it is on the public list."""

from __future__ import annotations

from flask import Flask, flash, g, redirect, request, url_for
from flask_login import current_user

from tas.extensions import login_manager

from . import services

# The only endpoints a signed-out visitor may reach (SECURITY.md C12).
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "auth.sign_in",
        "auth.password_reset",
        "auth.password_reset_sent",
        "auth.password_link",
        "pages.accessibility",
        "pages.privacy",
        "pages.cookies",
        "pages.healthz",
    }
)
# Fields never kept when a form arrives after a timeout.
NOT_KEPT = ("csrf_token", "password", "current_password", "new_password", "confirm_password")


@login_manager.user_loader
def _load_user(token: str):
    return services.user_for_session(token)


def register_guard(app: Flask) -> None:
    """Check the session on every request; send signed-out visitors to the sign-in page."""
    login_manager.session_protection = None  # the session row is the protection

    @app.context_processor
    def _session_clock():
        if not current_user.is_authenticated:
            return {}
        return {"session_seconds_left": services.seconds_until_idle_timeout(current_user)}

    @app.before_request
    def _require_sign_in():
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None  # unknown URLs answer 404, public pages are open
        if current_user.is_authenticated:
            return None
        timed_out_user = g.get("timed_out_user_id")
        if timed_out_user:
            flash("You were signed out because you had not done anything for a while.", "info")
            if request.method == "POST" and request.mimetype != "application/json":
                kept = [(k, v) for k, v in request.form.items(multi=True) if k not in NOT_KEPT]
                services.keep_pending_form(timed_out_user, request.path, kept)
                flash("Sign in again and what you typed will be back in the form.", "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else request.path
        if target == "/":
            return redirect(url_for("auth.sign_in"))
        return redirect(url_for("auth.sign_in", next=target))
