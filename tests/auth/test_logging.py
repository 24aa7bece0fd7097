"""No password, cookie, session id or link token in any log, and no forged lines (G30)."""

from __future__ import annotations

import logging
import threading
import urllib.request
from contextlib import contextmanager

import flask.logging
import pytest
from werkzeug.serving import make_server

from tas.extensions import db
from tas.logs import OneLineFormatter, redact
from tests import factories
from tests.auth.helpers import password_link
from tests.conftest import Visitor

CANARY_PASSWORD = "canary-7f3a9e lantern ocean"
NEW_PASSWORD = "second-canary-c41d08 kettle fjord"


@contextmanager
def real_server(app):
    """The app behind Werkzeug's own HTTP server, whose request log we want to read."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# A connection opened before caplog asks for SQL logs writes none: each session needs its own.
@pytest.mark.commits
def test_secrets_never_reach_the_logs(app, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every SQL statement too
    logging.getLogger("werkzeug").setLevel(logging.DEBUG)
    user = factories.user(role="dsl", password=CANARY_PASSWORD)
    db.session.commit()
    browser = Visitor(app.test_client())
    assert browser.sign_in(user.email, CANARY_PASSWORD).status_code == 302
    cookie = browser.client.get_cookie("tas_session").value
    with browser.client.session_transaction() as flask_session:
        session_token = flask_session["_user_id"]
    assert browser.get("/account").status_code == 200
    browser.submit("/sign-out", page="/account")
    assert browser.sign_in(user.email, "a wrong " + CANARY_PASSWORD).status_code == 200

    stranger = Visitor(app.test_client())
    stranger.submit("/password-reset", {"email": user.email})
    link, token = password_link(user.email)
    path = link.removeprefix("https://tas.example.org")
    with real_server(app) as base:
        with urllib.request.urlopen(base + path) as response:  # logged by Werkzeug's server
            assert response.status == 200
        with urllib.request.urlopen(base + "/sign-in?next=" + path) as response:
            assert response.status == 200
    stranger.submit(path, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /password/[redacted] HTTP/1.1" in line for line in request_lines), request_lines
    captured = capfd.readouterr()
    everything = "\n".join(
        [caplog.text, *(r.getMessage() for r in caplog.records), captured.out, captured.err]
    )
    assert "sqlalchemy.engine" in caplog.text  # the SQL was logged, and still nothing leaked
    for secret in (CANARY_PASSWORD, NEW_PASSWORD, cookie, session_token, token):
        assert secret not in everything
    assert user.email not in caplog.text  # the SQL log shows no parameter values either


def test_a_forged_line_stays_on_one_line():
    assert redact("a\r\nINFO forged") == "a\\r\\nINFO forged"
    assert "\n" not in redact("x\n\x00\x1b[31m\u2028y")
    record = logging.LogRecord(
        "tas", logging.WARNING, __file__, 1, "Sign-in by %s", ("a\r\nINFO forged",), None
    )
    assert OneLineFormatter("%(levelname)s %(message)s").format(record) == (
        "WARNING Sign-in by a\\r\\nINFO forged"
    )


def test_link_tokens_in_paths_are_redacted():
    token = "Zx9_-" * 9
    assert redact(f'"GET /password/{token} HTTP/1.1" 200') == (
        '"GET /password/[redacted] HTTP/1.1" 200'
    )
    assert redact(f"/sign-in?next=/password/{token}") == "/sign-in?next=/password/[redacted]"
    assert redact(f"/feeds/{token}.ics") == "/feeds/[redacted].ics"


class Keep(logging.Handler):
    """A handler a deployment might add to the root logger, with its own formatting."""

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.mark.own_app  # as gunicorn builds it: before any handler is taken away
def test_the_app_log_is_one_line_per_record(make_app, monkeypatch, capfd):
    # As under gunicorn: nothing configured the root logger, so Flask's own handler is used.
    monkeypatch.setattr(logging.root, "handlers", [])
    app = make_app()
    other_handler = Keep()
    logging.root.addHandler(other_handler)
    try:
        assert flask.logging.default_handler in app.logger.handlers
        try:
            raise ValueError("first line\nsecond line")
        except ValueError:
            app.logger.exception("Something failed for %s", "a\r\nINFO forged")
    finally:
        app.logger.removeHandler(flask.logging.default_handler)
    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if "Something failed" in line]
    assert len(lines) == 1, err
    assert "a\\r\\nINFO forged" in lines[0] and "Traceback" in lines[0]
    assert not any(line.startswith(("INFO forged", "second line")) for line in err.splitlines())
    # Any other handler gets the message already made safe.
    assert other_handler.messages == ["Something failed for a\\r\\nINFO forged"]
