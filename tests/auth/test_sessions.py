"""Sessions: cookies, sign-out, fixation, timeouts, the warning, revocation (docs/security.md
B5-B10)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import redirect, render_template_string
from sqlalchemy import select
from wtforms import StringField

from tas.auth import services
from tas.auth.models import UserSession
from tas.core.forms import TasForm
from tas.core.pending_forms import PendingForm
from tas.extensions import db
from tests import factories
from tests.auth.helpers import SITE, open_sessions, production_app
from tests.conftest import Visitor, csrf_from
from tests.pages import section

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COOKIE = "tas_session"


def _session_cookie(response, name: str = COOKIE) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def _flags(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def _signs_out(browser) -> None:
    response = browser.client.post("/sign-out", data={"csrf_token": browser.token("/")})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def _second_browser(app, user, agent="Second browser"):
    other = Visitor(app.test_client())
    assert other.sign_in(user.email, headers={"User-Agent": agent}).status_code == 302
    return other


def _is_signed_in(browser) -> bool:
    response = browser.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


# ---------------------------------------------------------------- B5 cookies


def test_session_cookie_is_httponly_and_samesite_lax_in_development(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    flags = _flags(_session_cookie(visitor.sign_in(user.email)))
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags  # local development runs on plain http
    assert not any(flag.startswith(("expires", "max-age")) for flag in flags)  # browser session


def test_session_cookie_is_also_secure_in_production(make_app):
    app = production_app(make_app)
    with app.app_context():
        user = factories.user(role="dsl")
        db.session.commit()
        email = user.email
    browser = Visitor(app.test_client())
    response = browser.sign_in(email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    # The __Host- prefix: browsers accept it only when Secure, host-only and on path /.
    flags = _flags(_session_cookie(response, "__Host-" + COOKIE))
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
    assert not any(flag.startswith("domain") for flag in flags)
    assert browser.get("/").status_code == 200
    assert (
        browser.get("/", base_url=SITE)
        .headers["Strict-Transport-Security"]
        .startswith("max-age=31536000")
    )


def test_the_session_is_checked_with_one_statement_on_every_request(app, login_as, count_queries):
    # Every signed-in page pays for the check: the session and its user are read together.
    browser = login_as("dsl")
    with count_queries() as counted:
        assert browser.client.get("/accessibility").status_code == 200
    checks = [s for s in counted if "user_session" in s or "user_account" in s]
    assert len(checks) == 1
    assert "FROM user_session" in checks[0] and "user_account" in checks[0]


# ---------------------------------------------------------------- B6 sign-out


def test_a_cookie_replayed_after_sign_out_is_refused(app, login_as):
    browser = login_as("dsl")
    cookie = browser.client.get_cookie(COOKIE).value
    replay = app.test_client()
    replay.set_cookie(COOKIE, cookie)
    assert replay.get("/account").status_code == 200  # the stolen cookie works until...
    _signs_out(browser)
    replay = app.test_client()
    replay.set_cookie(COOKIE, cookie)
    response = replay.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account"
    assert replay.get("/").headers["Location"] == "/sign-in"
    assert not _is_signed_in(browser)
    [row] = db.session.scalars(select(UserSession)).all()
    assert row.end_reason == "signed_out"


def test_sign_out_only_accepts_post(app, login_as, client):
    browser = login_as("dsl")
    assert browser.get("/sign-out").status_code == 405
    assert _is_signed_in(browser)
    assert client.get("/sign-out").status_code == 405


def test_every_signed_in_page_has_a_sign_out_form_with_a_token(app, login_as):
    html = login_as("dsl").get("/account").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/sign-out"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="csrf_token"' in form.group(1)


# ---------------------------------------------------------------- B7 fixation


def test_the_session_is_cleared_before_sign_in(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    pre_login_token = visitor.token("/sign-in")
    with visitor.client.session_transaction() as flask_session:
        flask_session["planted"] = "by an attacker"
        flask_session["_id"] = "attacker-chosen-id"
        raw_before = flask_session["csrf_token"]
    assert visitor.sign_in(user.email).status_code == 302
    assert visitor.get("/").status_code == 200
    with visitor.client.session_transaction() as flask_session:
        assert "planted" not in flask_session
        assert flask_session["_id"] != "attacker-chosen-id"
        assert flask_session["csrf_token"] != raw_before
    # The token from before sign-in no longer works for anything.
    response = visitor.client.post("/sign-out", data={"csrf_token": pre_login_token})
    assert response.status_code == 400
    assert _is_signed_in(visitor)


# ---------------------------------------------------------------- B8 timeouts


def test_thirty_minutes_idle_signs_out(app, login_as):
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        clock.shift(timedelta(minutes=29, seconds=59))
        assert browser.get("/account").status_code == 200  # activity keeps the session
        clock.shift(timedelta(minutes=29, seconds=59))
        assert browser.get("/account").status_code == 200
        clock.shift(timedelta(minutes=30))
        response = browser.get("/account")
        assert response.status_code == 302
        assert response.headers["Location"] == "/sign-in?next=/account"
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert "You were signed out because you had not done anything for a while" in page
        clock.shift(timedelta(seconds=1))
        assert not _is_signed_in(browser)  # and it stays ended
    [row] = db.session.scalars(select(UserSession)).all()
    assert row.end_reason == "timeout_idle"


def test_twelve_hours_after_sign_in_signs_out_even_when_active(app, login_as):
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        for _ in range(71):  # every 10 minutes, up to 11 hours 50 minutes
            clock.shift(timedelta(minutes=10))
            assert browser.get("/").status_code == 200
        clock.shift(timedelta(minutes=10))
        response = browser.get("/")
        assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
        page = browser.get("/sign-in").get_data(as_text=True)
        assert "You were signed out because you signed in more than 12 hours ago" in page
        assert browser.sign_in(browser.user.email).status_code == 302  # sign in again: fine
        assert browser.get("/").status_code == 200
    ended = db.session.scalars(select(UserSession).where(UserSession.ended_at.is_not(None)))
    assert [row.end_reason for row in ended] == ["timeout_absolute"]


# ---------------------------------------------------------------- B9 warning and extension


def _banner(html: str) -> dict[str, str]:
    match = re.search(r'<div id="session-timeout"([^>]*)>', html)
    assert match, "no session timeout warning on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))


def test_signed_in_pages_carry_the_timeout_warning(app, login_as, client):
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        banner = _banner(browser.get("/account").get_data(as_text=True))
        assert int(banner["seconds-left"]) == 30 * 60
        assert int(banner["warning-seconds"]) >= 20
        assert banner["extend-url"] == "/session/extend"
        assert banner["csrf-token"]
        clock.shift(timedelta(hours=11, minutes=50))
        row = db.session.scalars(select(UserSession)).one()  # active all day, in effect:
        row.last_seen_at = T0 + timedelta(hours=11, minutes=50)
        db.session.commit()
        banner = _banner(browser.get("/").get_data(as_text=True))
        assert int(banner["seconds-left"]) == 10 * 60  # the 12-hour limit comes first now
    assert 'id="session-timeout"' not in client.get("/sign-in").get_data(as_text=True)


def test_one_click_extends_the_session(app, login_as):
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        token = _banner(browser.get("/").get_data(as_text=True))["csrf-token"]
        clock.shift(timedelta(minutes=28))
        response = browser.client.post(
            "/session/extend", headers={"X-CSRFToken": token, "Accept": "application/json"}
        )
        assert response.status_code == 200
        assert response.get_json() == {"seconds_left": 30 * 60}
        clock.shift(timedelta(minutes=29))  # 57 minutes after the last page
        assert browser.get("/").status_code == 200


def test_extending_needs_the_csrf_token(app, login_as):
    browser = login_as("dsl")
    assert browser.client.post("/session/extend").status_code == 400
    response = browser.client.post("/session/extend", headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400


def test_extending_after_the_timeout_asks_to_sign_in(app, login_as):
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        token = _banner(browser.get("/account").get_data(as_text=True))["csrf-token"]
        clock.shift(timedelta(minutes=31))
        response = browser.client.post(
            "/session/extend",
            headers={"X-CSRFToken": token, "Referer": "http://localhost/account"},
        )
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account"
    page = browser.get("/sign-in").get_data(as_text=True)
    assert "what you typed will be back" not in page  # nothing was typed
    assert db.session.scalars(select(PendingForm)).all() == []


class NoteForm(TasForm):
    note = StringField("Note")
    current_password = StringField("Current password")


def _add_note_page(app) -> None:
    """A page with an ordinary form, added before the app handles its first request."""

    def note_page():
        form = NoteForm()
        if form.validate_on_submit():
            return redirect("/")
        return render_template_string(
            '<form method="post">{{ form.csrf_token }}{{ form.note() }}'
            "{{ form.current_password() }}</form>"
            "{% for message in get_flashed_messages() %}<p>{{ message }}</p>{% endfor %}",
            form=form,
        )

    app.add_url_rule("/note", "note", note_page, methods=["GET", "POST"])


@pytest.mark.own_app  # adds a route
def test_a_form_sent_after_the_timeout_is_back_after_signing_in(app, login_as):
    _add_note_page(app)
    typed = "Met Sam and mum after school today"
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        token = csrf_from(browser.get("/note").get_data(as_text=True))
        clock.shift(timedelta(minutes=45))  # the page stays open while the person types
        response = browser.client.post(
            "/note", data={"csrf_token": token, "note": typed, "current_password": "secret1"}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/sign-in?next=/note"
        kept = db.session.scalars(select(PendingForm)).one()
        assert kept.path == "/note" and kept.fields == [["note", typed]]  # no password, no token
        sign_in_page = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert "Sign in again and what you typed will be back in the form" in sign_in_page
        response = browser.submit(
            "/sign-in",
            {"email": browser.user.email, "password": factories.PASSWORD, "next": "/note"},
            page="/sign-in?next=/note",
        )
        assert response.status_code == 302 and response.headers["Location"] == "/note"
        page = browser.get("/note").get_data(as_text=True)
        assert f'value="{typed}"' in page
        assert "You were signed out before this form was sent" in page
        assert typed not in browser.get("/note").get_data(as_text=True)  # once only
    assert db.session.scalars(select(PendingForm)).all() == []


def test_a_form_posted_to_a_post_only_address_returns_to_its_page(app, login_as):
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        token = browser.token("/account")
        clock.shift(timedelta(minutes=31))
        response = browser.client.post(
            "/account/sessions/end-others",
            data={"csrf_token": token},
            headers={"Referer": "http://localhost/account#sessions"},
        )
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account"  # not a 405 after sign-in


@pytest.mark.own_app  # adds a route
def test_a_kept_form_is_not_shown_to_someone_else(app, login_as):
    _add_note_page(app)
    with time_machine.travel(T0, tick=False) as clock:
        browser = login_as("dsl")
        token = csrf_from(browser.get("/note").get_data(as_text=True))
        clock.shift(timedelta(minutes=31))
        browser.client.post("/note", data={"csrf_token": token, "note": "private words"})
        other = factories.user(role="dsl")
        db.session.commit()
        browser.submit(
            "/sign-in", {"email": other.email, "password": factories.PASSWORD, "next": "/note"}
        )
        assert "private words" not in browser.get("/note").get_data(as_text=True)


# ---------------------------------------------------------------- B10 revocation


def test_deactivating_a_user_ends_all_their_sessions(app, login_as):
    first = login_as("dsl")
    user = first.user
    second = _second_browser(app, user)
    assert len(open_sessions(user.id)) == 2
    user.active = False
    services.end_sessions(user, "deactivated")
    db.session.commit()
    assert open_sessions(user.id) == []
    user.active = True  # even if the account comes back, the old sessions stay ended
    db.session.commit()
    assert not _is_signed_in(first) and not _is_signed_in(second)


def test_changing_password_ends_the_other_sessions_and_keeps_this_one(app, login_as):
    here = login_as("dsl")
    user = here.user
    elsewhere = _second_browser(app, user)
    response = here.submit(
        "/account/password",
        {
            "current_password": factories.PASSWORD,
            "new_password": "ocean piano fig",
            "confirm_password": "ocean piano fig",
        },
        page="/account",
    )
    assert response.status_code == 302
    assert "signed out everywhere else" in here.get("/account").get_data(as_text=True)
    assert _is_signed_in(here)
    assert not _is_signed_in(elsewhere)
    [row] = open_sessions(user.id)
    assert row.id != min(r.id for r in db.session.scalars(select(UserSession)))


# ---------------------------------------------------------------- the account page


def test_account_page_lists_own_sessions_and_ends_the_others(app, login_as):
    here = login_as("dsl")
    user = here.user
    _second_browser(app, user, agent="Firefox on the school laptop")
    elsewhere = _second_browser(app, user, agent="Safari on a phone")
    stranger = login_as("dsl")
    page = here.get("/account").get_data(as_text=True)
    assert "Firefox on the school laptop" in page and "Safari on a phone" in page
    assert page.count("This browser") == 1
    assert "Sign out of all other sessions" in page
    assert stranger.user.email not in page
    response = here.submit("/account/sessions/end-others", page="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Signed out of 2 other sessions" in here.get("/account").get_data(as_text=True)
    assert _is_signed_in(here) and not _is_signed_in(elsewhere) and _is_signed_in(stranger)
    assert len(open_sessions(user.id)) == 1
    # Again, with nowhere else to sign out of: said plainly, not as a success.
    here.submit("/account/sessions/end-others", page="/account")
    again = here.get("/account").get_data(as_text=True)
    assert "You were not signed in anywhere else, so nothing changed" in again
    assert "Signed out of 0" not in again


def test_ending_one_session_and_not_someone_elses(app, login_as):
    here = login_as("dsl")
    elsewhere = _second_browser(app, here.user)
    stranger = login_as("dsl")
    [stranger_row] = open_sessions(stranger.user.id)
    response = here.submit(f"/account/sessions/{stranger_row.id}/end", page="/account")
    assert response.status_code == 404
    assert _is_signed_in(stranger)
    own = {row.id for row in open_sessions(here.user.id)}
    [this_one] = [r.id for r in open_sessions(here.user.id) if r.user_agent != "Second browser"]
    assert here.submit(f"/account/sessions/{this_one}/end", page="/account").status_code == 404
    [other_one] = own - {this_one}
    response = here.submit(f"/account/sessions/{other_one}/end", page="/account")
    assert response.status_code == 302
    assert _is_signed_in(here) and not _is_signed_in(elsewhere)
    assert here.submit("/account/sessions/999999/end", page="/account").status_code == 404


def test_the_account_page_names_each_sessions_browser_in_words(app, login_as):
    here = login_as("dsl")
    _second_browser(
        app,
        here.user,
        agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
    )

    sessions = section(here.get("/account"), "sessions")

    assert "Chrome 131 on Windows 10" in sessions
    assert "Mozilla/5.0" not in sessions
