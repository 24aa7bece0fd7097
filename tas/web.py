"""Headers on every response and GOV.UK error pages (docs/security.md D15, D16)."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError
from werkzeug.routing import IntegerConverter

from tas.core.submissions import AlreadySubmitted, sent_again
from tas.deployment import is_production
from tas.extensions import db
from tas.logs import redact
from tas.organisations import safeguarding

ERROR_PAGES = {
    400: "Sorry, there is a problem with what was sent",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "Page not found",
    409: "Someone else changed this at the same time",
    413: "What you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def register_security_headers(app: Flask) -> None:
    """A CSP nonce per request, and the protective headers on every response."""

    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(18)

    # First of all, so that a page rendered when an earlier check fails (the CSRF check, a
    # request too large) still has the nonce its scripts need.
    app.before_request_funcs.setdefault(None, []).insert(0, _nonce)

    @app.after_request
    def _headers(response: Response) -> Response:
        nonce = g.setdefault("csp_nonce", secrets.token_urlsafe(18))
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if is_production(app.config):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # The calendar feed's calendar (200, or 304 when unchanged) sets its own: private,
        # no-cache, revalidated with its ETag. Its other answers (404, 429) are never kept.
        feed = request.endpoint == "ical.feed" and response.status_code in (200, 304)
        if request.endpoint != "static" and not feed:
            # Pages may show children's details: never keep them in a browser or proxy cache.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


def register_banners_in_view(app: Flask) -> None:
    """A redirect that carries a banner (what was saved, or that nothing was) goes to the top of
    the next page, where the banner is: not to a part further down (#actions), where people saw
    the section but not whether their save worked."""

    @app.after_request
    def _to_the_banner(response: Response) -> Response:
        redirect = 300 <= response.status_code < 400
        if redirect and "#" in (response.location or "") and session.get("_flashes"):
            response.location = response.location.split("#", 1)[0]
        return response


def register_errors(app: Flask) -> None:
    """Every HTTP error gets a GOV.UK page with no stack trace."""

    app.register_error_handler(AlreadySubmitted, sent_again)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_template("errors/csrf.html", title=ERROR_PAGES[400]), 400

    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError):
        # A Host outside TRUSTED_HOSTS (D18): Flask has no URL adapter for it, so no page
        # that builds links can be drawn; a short plain answer, and no link to the wrong host.
        return Response(
            "Sorry, this service does not answer to that address.\n",
            400,
            content_type="text/plain; charset=utf-8",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        title = ERROR_PAGES.get(code, error.name)
        response = error.get_response()
        # Whom to ask about access, named for the signed-in person's role (a 403 only: a 500
        # may come from the database, so its page asks nothing of it).
        ask = None
        if code == 403 and current_user.is_authenticated:
            ask = safeguarding.who_to_ask(current_user)
        response.set_data(render_template("errors/error.html", code=code, title=title, ask=ask))
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, redact(request.path))
        return _http(InternalServerError())


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in a URL: ids that fit the database's integer columns. A bigger number is
    simply not found (404), rather than an overflow in the database driver (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app: Flask) -> None:
    """Before any route is added: the URL converters every blueprint uses."""
    app.url_map.converters["int"] = DatabaseIdConverter
