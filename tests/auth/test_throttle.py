"""Sign-in throttling kept in the database, and the audit of every attempt (docs/security.md A3,
G30)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tas.audit.models import AuditEvent
from tas.extensions import db
from tests import factories
from tests.auth.helpers import SITE, password_link
from tests.conftest import Visitor

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WRONG = "not the right one at all"
TOO_MANY = "You have tried to sign in too many times"


def _attempt(client, token, email, password):
    return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})


def _fail_ten_times(visitor, email):
    token = visitor.token("/sign-in")
    for _ in range(10):
        response = _attempt(visitor.client, token, email, WRONG)
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    return token


def test_ten_failures_throttle_the_account_even_with_the_right_password(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        token = _fail_ten_times(visitor, user.email)
        response = _attempt(visitor.client, token, user.email, factories.PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert TOO_MANY in html and "Wait 15 minutes" in html
    assert 'class="govuk-error-summary' in html
    assert "no-store" in response.headers["Cache-Control"]
    assert visitor.get("/").status_code == 302  # not signed in


def test_the_throttle_holds_in_another_process_and_for_another_browser(app, visitor, make_app):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        _fail_ten_times(visitor, user.email)
        clock.shift(timedelta(minutes=3))
        # A second app instance on the same database stands for a second gunicorn worker.
        other_worker = Visitor(make_app().test_client())
        response = other_worker.sign_in(user.email.upper())
        assert response.status_code == 429
        assert "Wait 12 minutes" in response.get_data(as_text=True)


def test_other_accounts_are_not_throttled(app, visitor):
    target = factories.user(role="dsl")
    bystander = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        _fail_ten_times(visitor, target.email)
        assert Visitor(app.test_client()).sign_in(bystander.email).status_code == 302


def test_sign_in_opens_again_after_15_minutes_and_refused_attempts_do_not_extend_it(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        token = _fail_ten_times(visitor, user.email)
        for minutes in (5, 9, 14):  # still trying while throttled: refused, not counted
            clock.move_to(T0 + timedelta(minutes=minutes))
            assert _attempt(visitor.client, token, user.email, WRONG).status_code == 429
        clock.move_to(T0 + timedelta(minutes=14, seconds=59))
        assert _attempt(visitor.client, token, user.email, factories.PASSWORD).status_code == 429
        clock.move_to(T0 + timedelta(minutes=15))
        response = _attempt(visitor.client, token, user.email, factories.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_there_is_no_permanent_lockout(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        for round_number in range(3):  # an attacker keeps going, round after round
            clock.move_to(T0 + timedelta(minutes=20 * round_number))
            token = _fail_ten_times(visitor, user.email)
            assert _attempt(visitor.client, token, user.email, WRONG).status_code == 429
        clock.move_to(T0 + timedelta(minutes=40 + 15))
        response = visitor.sign_in(user.email)
    assert response.status_code == 302


def test_slow_guessing_below_the_limit_is_not_throttled(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        token = visitor.token("/sign-in")
        for n in range(12):
            clock.move_to(T0 + timedelta(minutes=2 * n))
            assert _attempt(visitor.client, token, user.email, WRONG).status_code == 200
        assert _attempt(visitor.client, token, user.email, factories.PASSWORD).status_code == 302


def test_attempts_are_audited_without_the_password(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        token = _fail_ten_times(visitor, user.email)
        _attempt(visitor.client, token, user.email, factories.PASSWORD)  # throttled
        _attempt(visitor.client, token, "nobody@example.org", WRONG)
        _attempt(visitor.client, token, factories.PASSWORD, WRONG)  # password in the email box
        clock.shift(timedelta(minutes=15))
        assert visitor.sign_in(user.email).status_code == 302
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [event.action for event in events]
    assert actions.count("sign_in_failed") == 12
    assert actions.count("sign_in_throttled") == 1
    assert actions[-1] == "sign_in"
    failed = [event for event in events if event.action == "sign_in_failed"]
    assert all(event.actor_id == user.id for event in failed[:10])
    assert failed[10].actor_id is None and failed[10].detail == {"email": "nobody@example.org"}
    assert failed[11].detail == {"email": "(not an email address)"}
    assert events[-1].actor_id == user.id and events[-1].ip_address == "127.0.0.1"
    everything = json.dumps([[e.action, e.target_type, e.detail] for e in events])
    assert WRONG not in everything
    assert factories.PASSWORD not in everything


def test_resetting_the_password_ends_the_pause_it_was_offered_for(app, visitor):
    """Paused after ten wrong passwords, told to wait or reset: the reset link proves the
    account is theirs, and the new password signs in at once."""
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        _fail_ten_times(visitor, user.email)
        paused = visitor.sign_in(user.email, factories.PASSWORD)
        assert paused.status_code == 429
        assert "or reset your password" in paused.get_data(as_text=True)
        visitor.submit("/password-reset", {"email": user.email})
        path = password_link(user.email)[0].removeprefix(SITE)
        chosen = visitor.submit(
            path, {"new_password": "ocean piano fig", "confirm_password": "ocean piano fig"}
        )
        assert chosen.status_code == 302
        assert visitor.sign_in(user.email, "ocean piano fig").status_code == 302
