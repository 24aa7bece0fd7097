"""Per client address as well as per account: 20 wrong passwords from one address across any
accounts within 15 minutes pause that address, with a 429 and Retry-After (docs/security.md A3;
issue 11, section 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from tas.audit.models import AuditEvent
from tas.config import Defaults
from tas.extensions import db
from tests import factories
from tests.conftest import Visitor

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WRONG = "not the right one at all"
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
COLLEAGUE = {"REMOTE_ADDR": "198.51.100.7"}
FROM_NETWORK = "There have been too many attempts to sign in from your network"


def _attempt(client, token, email, password, environ=ATTACKER):
    return client.post(
        "/sign-in",
        data={"csrf_token": token, "email": email, "password": password},
        environ_overrides=environ,
    )


def _fail_across_accounts(visitor, count: int, environ=ATTACKER) -> str:
    """One wrong password for each of `count` accounts (some not existing) from one address."""
    token = visitor.token("/sign-in")
    for n in range(count):
        email = factories.user(role="dsl").email if n % 2 else f"nobody{n}@example.org"
        db.session.commit()
        response = _attempt(visitor.client, token, email, WRONG, environ)
        assert response.status_code == 200, n
    return token


def test_the_per_address_limits_are_settings():
    assert Defaults.SIGN_IN_ADDRESS_MAX_FAILURES == 20
    assert Defaults.SIGN_IN_ADDRESS_WINDOW_MINUTES == 15


def test_per_address_20_failures_across_accounts_give_429_with_retry_after(app, visitor):
    owner = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        token = _fail_across_accounts(visitor, 20)
        # Even the right password of an account never tried from here: the address is paused.
        response = _attempt(visitor.client, token, owner.email, factories.PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(15 * 60)
    assert FROM_NETWORK in html and "Wait 15 minutes and try again" in html
    assert 'class="govuk-error-summary' in html
    # What was typed is kept, but the password.
    assert f'value="{owner.email}"' in html and factories.PASSWORD not in html
    assert visitor.get("/").status_code == 302  # not signed in
    refused = select(func.count(AuditEvent.id)).where(AuditEvent.action == "sign_in_throttled")
    assert db.session.scalar(refused) == 1


def test_per_address_19_failures_are_not_paused(app, visitor):
    owner = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        token = _fail_across_accounts(visitor, 19)
        response = _attempt(visitor.client, token, owner.email, factories.PASSWORD)
    assert response.status_code == 302


def test_per_address_pause_leaves_other_addresses_alone(app, visitor):
    colleague = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        _fail_across_accounts(visitor, 20)
        other = Visitor(app.test_client())
        response = _attempt(
            other.client, other.token(), colleague.email, factories.PASSWORD, COLLEAGUE
        )
    assert response.status_code == 302


def test_per_address_pause_counts_down_and_ends_after_the_window(app, visitor):
    owner = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        token = _fail_across_accounts(visitor, 20)
        clock.shift(timedelta(minutes=10, seconds=30))
        waiting = _attempt(visitor.client, token, owner.email, factories.PASSWORD)
        assert waiting.status_code == 429
        assert waiting.headers["Retry-After"] == str(4 * 60 + 30)
        assert "Wait 5 minutes" in waiting.get_data(as_text=True)
        clock.move_to(T0 + timedelta(minutes=15))
        response = _attempt(visitor.client, token, owner.email, factories.PASSWORD)
    assert response.status_code == 302


def test_per_account_pause_also_answers_with_retry_after(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        token = visitor.token("/sign-in")
        for _ in range(10):
            assert _attempt(visitor.client, token, user.email, WRONG).status_code == 200
        response = _attempt(visitor.client, token, user.email, factories.PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(15 * 60)
    assert "You have tried to sign in too many times" in response.get_data(as_text=True)


def test_per_address_limit_is_a_setting(make_app):
    app = make_app(SIGN_IN_ADDRESS_MAX_FAILURES=3, SIGN_IN_ADDRESS_WINDOW_MINUTES=5)
    with app.app_context():
        owner = factories.user(role="dsl")
        db.session.commit()
        visitor = Visitor(app.test_client())
        with time_machine.travel(T0, tick=False):
            _fail_across_accounts(visitor, 3)
            response = _attempt(visitor.client, visitor.token(), owner.email, factories.PASSWORD)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == str(5 * 60)


def test_per_address_an_ipv6_client_cannot_get_a_fresh_limit_from_each_of_its_addresses(
    app, visitor
):
    owner = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        token = visitor.token("/sign-in")
        for n in range(20):  # twenty addresses of one /64 network
            environ = {"REMOTE_ADDR": f"2001:db8:5:6::{n + 1:x}"}
            wrong = _attempt(visitor.client, token, f"nobody{n}@example.org", WRONG, environ)
            assert wrong.status_code == 200, n
        another = {"REMOTE_ADDR": "2001:db8:5:6:ffff::1"}
        paused = _attempt(visitor.client, token, owner.email, factories.PASSWORD, another)
        elsewhere = {"REMOTE_ADDR": "2001:db8:5:7::1"}  # the next network is someone else
        signed_in = _attempt(visitor.client, token, owner.email, factories.PASSWORD, elsewhere)
    assert paused.status_code == 429
    assert signed_in.status_code == 302
