"""Deny by default, CSRF everywhere, security headers and GOV.UK error pages.

docs/security.md C12 (url_map walk), D15 (headers), D16 (no-store), D17 (CSRF), E25 (413).
"""

from __future__ import annotations

import re
import uuid

import pytest
from flask import abort
from werkzeug.routing import IntegerConverter, UUIDConverter

from tas.auth import guard
from tas.config import Defaults
from tas.extensions import csrf, db
from tests import factories
from tests.auth.helpers import production_app
from tests.conftest import Visitor, csrf_from

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

# The short list of what a signed-out visitor may open. Adding to it is a decision: change both.
PUBLIC = {
    "static",
    "auth.sign_in",
    "auth.password_reset",
    "auth.password_reset_sent",
    "auth.password_link",
    "pages.accessibility",
    "pages.privacy",
    "pages.cookies",
    "pages.healthz",
    "ical.feed",  # a calendar program's request: the secret in the link is the key
}
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def _url(app, rule) -> str:
    """A URL for the rule, with made-up values for its parts."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = 1
        elif isinstance(converter, UUIDConverter):
            values[name] = uuid.uuid4()
        else:
            values[name] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    return app.url_map.bind("localhost").build(rule.endpoint, values, force_external=False)


def _rules(app, *, public: bool):
    return [r for r in app.url_map.iter_rules() if (r.endpoint in PUBLIC) == public]


# ---------------------------------------------------------------- C12: deny by default


def test_the_public_list_is_short_and_explicit():
    assert guard.PUBLIC_ENDPOINTS == PUBLIC


def test_every_other_route_sends_a_signed_out_visitor_to_sign_in(app, visitor):
    token = visitor.token("/sign-in")
    checked = 0
    for rule in _rules(app, public=False):
        url = _url(app, rule)
        for method in sorted(rule.methods & {"GET", "HEAD", *STATE_CHANGING}):
            data = {"csrf_token": token} if method in STATE_CHANGING else None
            response = visitor.client.open(url, method=method, data=data)
            assert response.status_code == 302, f"{method} {url} ({rule.endpoint})"
            location = response.headers["Location"]
            assert location.split("?")[0] == "/sign-in", f"{method} {url} -> {location}"
            assert rule.endpoint not in response.get_data(as_text=True)
            checked += 1
    assert checked >= 10


def test_the_public_pages_open_signed_out(app, client):
    for path in ("/sign-in", "/password-reset", "/password-reset/sent", "/accessibility"):
        assert client.get(path).status_code == 200, path
    for path in ("/privacy", "/cookies", "/healthz", "/static/js/app.mjs"):
        with client.get(path) as response:
            assert response.status_code == 200, path
    assert client.get("/password/not-a-real-token-at-all-0123456789").status_code == 404


@pytest.mark.parametrize(
    "path", ["/no-such-page", "/account/nope", "/admin/nowhere", "/sign-in/x", "/password/"]
)
def test_unknown_addresses_are_404_signed_in_or_not(app, client, login_as, path):
    signed_out = client.get(path)
    assert signed_out.status_code == 404
    assert "Page not found" in signed_out.get_data(as_text=True)
    assert login_as("dsl").get(path).status_code == 404


# ---------------------------------------------------------------- D17: CSRF on every post


def test_no_view_is_exempt_from_csrf(app):
    assert app.config["WTF_CSRF_ENABLED"] is True and Defaults.WTF_CSRF_ENABLED is True
    assert app.extensions["csrf"] is csrf
    assert not csrf._exempt_views
    assert not csrf._exempt_blueprints


def test_every_state_changing_route_refuses_a_request_without_a_token(app, login_as):
    admin = login_as("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & set(STATE_CHANGING)):
            url = _url(app, rule)
            for data in ({}, {"csrf_token": "forged"}):
                response = admin.client.open(url, method=method, data=data)
                assert response.status_code == 400, f"{method} {url} {data}"
                assert "The form could not be sent" in response.get_data(as_text=True)
            checked += 1
    assert checked >= 8
    assert admin.get("/").status_code == 200  # still signed in: nothing happened


def test_the_session_extension_refuses_a_missing_token_too(app, login_as):
    response = login_as("dsl").client.post("/session/extend")
    assert response.status_code == 400


# ---------------------------------------------------------------- D15/D16: headers


def _add_test_routes(app) -> None:
    """Routes that fail on purpose, added before the app handles its first request."""

    def fail(code: int):
        abort(code)

    def crash():
        raise RuntimeError("Database password is hunter2 and child is Sam Smith")

    app.add_url_rule("/test-fail/<int:code>", "test_fail", fail)
    app.add_url_rule("/test-crash", "test_crash", crash, methods=["GET", "POST"])


def _assert_protective_headers(response, *, production=False) -> str:
    """The headers every response carries; returns the CSP nonce."""
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    [nonce] = [s for s in directives["script-src"] if s.startswith("'nonce-")]
    assert len(nonce) >= len("'nonce-'") + 22
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    assert headers["X-Frame-Options"] == "DENY"
    if production:
        hsts = headers["Strict-Transport-Security"]
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
        assert max_age >= 365 * 24 * 3600 and "includeSubDomains" in hsts
    else:
        assert "Strict-Transport-Security" not in headers
    return nonce[len("'nonce-") : -1]


def _assert_html_uses_the_nonce(response, nonce: str) -> None:
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "no script on the page"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


def _signed_out_responses(client, visitor):
    token = visitor.token("/sign-in")
    return {
        "page": client.get("/sign-in"),
        "redirect": client.get("/account"),
        "404": client.get("/no-such-page"),
        "405": client.get("/sign-out"),
        "400 csrf": client.post("/sign-in", data={"email": "a@b.c"}),
        "413": client.post("/sign-in", data={"csrf_token": token, "email": "x" * 1_100_000}),
        "json": client.get("/healthz"),
    }


def test_headers_on_every_signed_out_response(app, client, visitor):
    for name, response in _signed_out_responses(client, visitor).items():
        nonce = _assert_protective_headers(response)
        assert response.headers["Cache-Control"] == "no-store", name
        if response.mimetype == "text/html" and response.status_code != 302:
            _assert_html_uses_the_nonce(response, nonce)


@pytest.mark.own_app  # adds a route
def test_headers_on_every_signed_in_response_including_errors(app, login_as):
    _add_test_routes(app)
    browser = login_as("dsl")
    token = browser.token("/account")
    responses = {
        "home": browser.get("/"),
        "account": browser.get("/account"),
        "403": browser.get("/test-fail/403"),
        "404": browser.get("/nowhere"),
        "405": browser.get("/sign-out"),
        "500": browser.get("/test-crash"),
        "400 csrf": browser.client.post("/account/sessions/end-others"),
        "json": browser.client.post("/session/extend", headers={"X-CSRFToken": token}),
        "redirect": browser.client.post("/account/sessions/end-others", data={"csrf_token": token}),
    }
    nonces = set()
    for name, response in responses.items():
        nonce = _assert_protective_headers(response)
        nonces.add(nonce)
        assert response.headers["Cache-Control"] == "no-store", name  # D16
        if response.mimetype == "text/html" and response.status_code != 302:
            _assert_html_uses_the_nonce(response, nonce)
    assert len(nonces) == len(responses)  # a fresh nonce every time
    with browser.get("/static/js/app.mjs") as static:
        assert static.status_code == 200
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_hsts_and_the_same_headers_in_production(make_app):
    app = production_app(make_app)
    _add_test_routes(app)
    with app.app_context():
        user = factories.user(role="dsl")
        db.session.commit()
        email = user.email
    anonymous = app.test_client()
    for response in (anonymous.get("/sign-in"), anonymous.get("/nowhere")):
        _assert_protective_headers(response, production=True)
    browser = Visitor(app.test_client())
    assert browser.sign_in(email).status_code == 302
    for path in ("/", "/test-fail/404", "/test-crash", "/test-fail/413"):
        response = browser.get(path)
        _assert_protective_headers(response, production=True)
        assert response.headers["Cache-Control"] == "no-store"
    crash = browser.get("/test-crash")
    assert crash.status_code == 500
    assert "hunter2" not in crash.get_data(as_text=True)


# ---------------------------------------------------------------- GOV.UK error pages


@pytest.mark.own_app  # adds a route
@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Sorry, there is a problem with what was sent"),
        (403, "You do not have access to this page"),
        (404, "Page not found"),
        (405, "Page not found"),
        (413, "What you sent is too large"),
        (429, "Too many attempts"),
        (500, "Sorry, there is a problem with the service"),
    ],
)
def test_error_pages_are_govuk_pages(app, login_as, code, title):
    _add_test_routes(app)
    browser = login_as("dsl")
    response = browser.get(f"/test-fail/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in html
    assert f"<title>{title} – TAS Coordinator</title>" in html
    assert 'class="govuk-template' in html and "govuk-footer" in html
    assert "Traceback" not in html and "werkzeug" not in html.lower()


@pytest.mark.own_app  # adds a route
def test_the_500_page_has_no_traceback_and_the_log_has_one_line(app, login_as, caplog):
    _add_test_routes(app)
    browser = login_as("dsl")
    response = browser.get("/test-crash")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "Sam Smith", "File "):
        assert leak not in html
    # A source file's name, not the same letters inside the page's random CSRF token.
    assert ".py" not in html.replace(csrf_from(html), "")
    assert any("Unhandled error on GET /test-crash" in r.getMessage() for r in caplog.records)
    assert browser.get("/").status_code == 200  # the app carries on


@pytest.mark.own_app  # adds a route
def test_a_crash_on_a_post_rolls_back_and_shows_the_500_page(app, login_as):
    _add_test_routes(app)
    browser = login_as("dsl")
    response = browser.submit("/test-crash", {"x": "y"}, page="/account")
    assert response.status_code == 500
    assert "problem with the service" in response.get_data(as_text=True)


def test_a_405_answers_with_the_allowed_methods(app, client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert "POST" in allowed and "GET" not in allowed
    assert "Page not found" in response.get_data(as_text=True)


def test_too_large_a_post_is_413_with_a_govuk_page(app, visitor):
    assert app.config["MAX_CONTENT_LENGTH"] == Defaults.MAX_CONTENT_LENGTH <= 10 * 1024 * 1024
    token = visitor.token("/sign-in")
    too_long = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    field_too_long = "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)
    for data, content_type in (
        ({"csrf_token": token, "email": too_long}, "application/x-www-form-urlencoded"),
        ({"csrf_token": token, "email": field_too_long}, "multipart/form-data"),
    ):
        response = visitor.client.post("/sign-in", data=data, content_type=content_type)
        response.request.environ["wsgi.input"].close()  # Werkzeug's test client leaves it open
        assert response.status_code == 413
        assert "What you sent is too large" in response.get_data(as_text=True)


def test_the_throttled_sign_in_page_is_a_429(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    token = visitor.token("/sign-in")
    for _ in range(11):
        response = visitor.client.post(
            "/sign-in", data={"csrf_token": token, "email": user.email, "password": "wrong!"}
        )
    assert response.status_code == 429
    _assert_protective_headers(response)
    assert "govuk-error-summary" in response.get_data(as_text=True)


def test_an_id_too_big_for_the_database_is_simply_not_found(login_as):
    """docs/security.md E25: ids past the integer columns' range answer 404, never 500."""
    dsl = login_as("dsl")
    too_big = f"{2**31}"
    for url in ("/children/99999999999999999999", f"/children/{too_big}/family"):
        assert dsl.get(url).status_code == 404
