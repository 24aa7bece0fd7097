"""An account under attack is not locked out for its owner: a browser that signed in to it
before (a signed device cookie) may sign in while strangers are paused, and the owner is told
by email, once per pause (issue 11, section 3; docs/security.md A3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from itsdangerous import URLSafeTimedSerializer

from tas.auth.passwords import hash_password
from tas.config import Defaults
from tas.extensions import db
from tests import factories
from tests.auth.helpers import emails_to, production_app
from tests.conftest import TEST_SECRET, Visitor

pytestmark = pytest.mark.pages  # view-level: PostgreSQL alone (tests/conftest.py)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WRONG = "not the right one at all"
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
COOKIE = "tas_device"
SALT = "tas.auth.known-device"  # tas/auth/devices.py
PAUSED = "Sign-in to your TAS Coordinator account was paused"


def _flags(response, name: str) -> set[str]:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def _attempt(browser, email, password, environ=OWNER):
    return browser.client.post(
        "/sign-in",
        data={"csrf_token": browser.token("/sign-in"), "email": email, "password": password},
        environ_overrides=environ,
    )


def _owner_browser(app, user) -> Visitor:
    """The owner's own browser: it signed in yesterday and signed out."""
    browser = Visitor(app.test_client())
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        assert _attempt(browser, user.email, factories.PASSWORD).status_code == 302
        signed_out = browser.client.post("/sign-out", data={"csrf_token": browser.token("/")})
        assert signed_out.status_code == 302
    assert browser.client.get_cookie(COOKIE) is not None
    return browser


def _attack(app, email, times=10):
    stranger = Visitor(app.test_client())
    for _ in range(times):
        assert _attempt(stranger, email, WRONG, ATTACKER).status_code in (200, 429)
    return stranger


def test_known_device_signs_in_during_the_cool_down(app):
    owner = factories.user(role="dsl")
    db.session.commit()
    browser = _owner_browser(app, owner)
    with time_machine.travel(T0, tick=False):
        _attack(app, owner.email)
        # Anyone else, even with the right password, is paused ...
        stranger = Visitor(app.test_client())
        refused = _attempt(stranger, owner.email, factories.PASSWORD, ATTACKER)
        assert refused.status_code == 429
        assert (
            _attempt(Visitor(app.test_client()), owner.email, factories.PASSWORD).status_code == 429
        )
        # ... but the owner's own browser signs in.
        response = _attempt(browser, owner.email, factories.PASSWORD)
        assert response.status_code == 302 and response.headers["Location"] == "/"
        assert browser.get("/").status_code == 200


def test_known_device_cookie_is_signed_httponly_lax_and_holds_only_the_user_id_and_a_stamp(
    app, visitor
):
    assert Defaults.KNOWN_DEVICE_DAYS == 90
    user = factories.user(role="dsl", name="Dana Shah")
    db.session.commit()
    response = visitor.sign_in(user.email)
    assert response.status_code == 302
    flags = _flags(response, COOKIE)
    assert {"httponly", "samesite=lax", "path=/", f"max-age={90 * 24 * 3600}"} <= flags
    assert "secure" not in flags  # local development runs on plain http
    value = visitor.client.get_cookie(COOKIE).value
    serializer = URLSafeTimedSerializer(TEST_SECRET, salt=SALT)
    account, stamp = serializer.loads(value)
    assert account == user.id
    assert len(stamp) == 16 and stamp not in user.password_hash  # a hash of the hash
    payload = value.split(".")[0]
    assert payload == serializer.dumps([user.id, stamp]).split(".")[0]
    assert "dana" not in value.lower() and "example" not in value


def test_known_device_cookie_is_secure_and_host_only_in_production(make_app):
    app = production_app(make_app)
    with app.app_context():
        user = factories.user(role="dsl")
        db.session.commit()
        email = user.email
    response = Visitor(app.test_client()).sign_in(email)
    assert response.status_code == 302
    flags = _flags(response, "__Host-" + COOKIE)
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
    assert not any(flag.startswith("domain") for flag in flags)


def test_known_device_wrong_passwords_are_counted_apart_with_the_same_limit(app):
    owner = factories.user(role="dsl")
    db.session.commit()
    browser = _owner_browser(app, owner)
    with time_machine.travel(T0, tick=False):
        for _ in range(10):
            assert _attempt(browser, owner.email, WRONG).status_code == 200
        # The cookie is no master key: ten wrong passwords from it pause it too.
        assert _attempt(browser, owner.email, factories.PASSWORD).status_code == 429
        # Strangers' count is another count: a new browser with the right password signs in.
        assert (
            _attempt(Visitor(app.test_client()), owner.email, factories.PASSWORD).status_code == 302
        )


def test_a_forged_expired_or_other_accounts_device_cookie_does_not_help(app):
    owner = factories.user(role="dsl")
    other = factories.user(role="dsl")
    db.session.commit()
    other_browser = _owner_browser(app, other)
    owners_browser = _owner_browser(app, owner)
    forged = URLSafeTimedSerializer("not-the-secret-key-of-this-service", salt=SALT)
    with time_machine.travel(T0, tick=False):
        _attack(app, owner.email)
        for value in (
            other_browser.client.get_cookie(COOKIE).value,  # another account's browser
            forged.dumps([owner.id, "0" * 16]),  # signed with another key
            "garbage",
            URLSafeTimedSerializer(TEST_SECRET, salt="another purpose").dumps(owner.id),
            URLSafeTimedSerializer(TEST_SECRET, salt=SALT).dumps(owner.id),  # no password stamp
        ):
            browser = Visitor(app.test_client())
            browser.client.set_cookie(COOKIE, value)
            assert _attempt(browser, owner.email, factories.PASSWORD).status_code == 429, value
    # The owner's own cookie counts for 90 days after it was set, and no longer (even when a
    # browser keeps sending it).
    value = owners_browser.client.get_cookie(COOKIE).value
    for days, expected in ((88, 302), (91, 429)):
        with time_machine.travel(T0 + timedelta(days=days), tick=False):
            _attack(app, owner.email)
            browser = Visitor(app.test_client())
            browser.client.set_cookie(COOKIE, value)
            assert _attempt(browser, owner.email, factories.PASSWORD).status_code == expected


def test_per_address_limit_still_applies_to_unknown_devices(app):
    owner = factories.user(role="dsl")
    db.session.commit()
    browser = _owner_browser(app, owner)
    with time_machine.travel(T0, tick=False):
        stranger = Visitor(app.test_client())
        for n in range(20):  # 20 wrong passwords from the owner's own network, other accounts
            assert _attempt(stranger, f"someone{n}@example.org", WRONG).status_code == 200
        assert (
            _attempt(Visitor(app.test_client()), owner.email, factories.PASSWORD).status_code == 429
        )
        assert _attempt(browser, owner.email, factories.PASSWORD).status_code == 302


def test_the_owner_is_told_once_per_cool_down_naming_no_child(app):
    owner = factories.user(role="dsl")
    child = factories.child(first_name="Zebedee", last_name="Quartermaine")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        _attack(app, owner.email, times=9)
        assert emails_to(owner.email) == []  # nine wrong passwords: not paused, nothing sent
        _attack(app, owner.email, times=1)
        [told] = emails_to(owner.email)
        _attack(app, owner.email, times=15)  # refused while paused: no more emails
        assert len(emails_to(owner.email)) == 1
        clock.shift(timedelta(minutes=15))
        _attack(app, owner.email, times=1)  # the pause is over; one more wrong one: paused again
        assert len(emails_to(owner.email)) == 2
    assert told["Subject"] == PAUSED
    body = told.get_body(("plain",)).get_content()
    assert "wrong password 10 times" in body and "paused for 15 minutes" in body
    assert "browser you have signed in on before" in body
    assert "https://tas.example.org/password-reset" in body
    for word in (child.first_name, child.last_name, WRONG):
        assert word not in told.as_string()


def test_a_stranger_pause_of_an_unknown_address_sends_nothing(app):
    stranger = _attack(app, "nobody@example.org")
    assert _attempt(stranger, "nobody@example.org", WRONG, ATTACKER).status_code == 429
    assert emails_to("nobody@example.org") == []


def test_a_new_password_ends_every_older_device_cookie(app):
    """A reset after a compromise: a browser that signed in with the old password is a
    stranger again."""
    owner = factories.user(role="dsl")
    db.session.commit()
    browser = _owner_browser(app, owner)
    owner.password_hash = hash_password("a brand new passphrase of mine")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        _attack(app, owner.email)
        refused = _attempt(browser, owner.email, "a brand new passphrase of mine")
        assert refused.status_code == 429
