"""Issue 16 and docs/security.md A4: every sign-in path asks for the second factor; a code is
good once (no replay) and within one step of drift; wrong codes are throttled and the owner
told; a remembered device skips it for 30 days at most; a password reset does not bypass it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tas.auth.factors.models import AuthenticatorApp
from tas.auth.models import UserSession
from tas.extensions import db
from tests.auth.factors.steps import code, person, set_up_app, signed_in, text_of
from tests.auth.helpers import SITE, emails_to, password_link
from tests.conftest import Visitor

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)  # 5 seconds into a 30-second step
SECOND_STEP = "/sign-in/second-factor"
WRONG = "That code is not right, or was used already"


def enrolled(app, role="dsl", **fields):
    """A person with an authenticator app set up at T0, signed out again: (person, secret)."""
    user = person(app, role, **fields)
    with time_machine.travel(T0, tick=False):
        browser = signed_in(app, user)
        secret, _ = set_up_app(browser, T0)
        browser.submit("/sign-out")
    return user, secret


def give(browser, typed: str, **extra):
    return browser.submit(SECOND_STEP, {"code": typed, **extra})


def test_a4_password_sign_in_asks_for_the_code_and_a_used_code_is_refused(fresh_install):
    user, secret = enrolled(fresh_install)
    at = T0 + timedelta(minutes=5)
    with time_machine.travel(at, tick=False):
        browser = signed_in(fresh_install, user)
        assert browser.get("/").headers["Location"] == SECOND_STEP
        page = browser.get(SECOND_STEP)
        assert 'autocomplete="one-time-code"' in page.get_data(as_text=True)
        wrong = give(browser, "000000" if code(secret, at) != "000000" else "111111")
        assert WRONG in text_of(wrong)
        assert give(browser, code(secret, at)).headers["Location"] == "/"
        assert browser.get("/").status_code == 200
        # The same code again, from another browser with the password: refused.
        thief = signed_in(fresh_install, user)
        assert WRONG in text_of(give(thief, code(secret, at)))
        assert thief.get("/").headers["Location"] == SECOND_STEP
    with time_machine.travel(at + timedelta(seconds=30), tick=False):
        assert give(thief, code(secret, at + timedelta(seconds=30))).headers["Location"] == "/"


def test_a_code_one_step_either_side_of_now_is_taken_and_two_steps_is_not(fresh_install):
    user, secret = enrolled(fresh_install)
    now = T0 + timedelta(hours=1)
    with time_machine.travel(now, tick=False):
        browser = signed_in(fresh_install, user)
        assert WRONG in text_of(give(browser, code(secret, now - timedelta(seconds=60))))
        assert give(browser, code(secret, now - timedelta(seconds=30))).status_code == 302
        later = signed_in(fresh_install, user)
        assert WRONG in text_of(give(later, code(secret, now + timedelta(seconds=60))))
        assert give(later, code(secret, now + timedelta(seconds=30))).status_code == 302


def test_pasted_codes_with_spaces_are_taken_and_letters_are_explained(fresh_install):
    user, secret = enrolled(fresh_install)
    now = T0 + timedelta(hours=1)
    with time_machine.travel(now, tick=False):
        browser = signed_in(fresh_install, user)
        letters = give(browser, "12a456")
        assert "The code must be 6 digits, like 123456" in text_of(letters)
        typed = code(secret, now)
        assert give(browser, f" {typed[:3]} {typed[3:]} ").headers["Location"] == "/"


def test_wrong_codes_pause_the_second_step_and_the_owner_is_told_once(fresh_install):
    user, secret = enrolled(fresh_install)
    now = T0 + timedelta(hours=1)
    with time_machine.travel(now, tick=False):
        browser = signed_in(fresh_install, user)
        right = code(secret, now)
        wrong = "000000" if right != "000000" else "111111"
        for _ in range(5):
            assert give(browser, wrong).status_code == 200
        paused = give(browser, right)
        assert paused.status_code == 429
        assert "Too many wrong tries. Wait 15 minutes" in text_of(paused)
        # Signing in with the password again does not start the count again.
        again = signed_in(fresh_install, user)
        assert give(again, right).status_code == 429
    told = [m for m in emails_to(user.email) if "not your second factor" in m["Subject"]]
    assert len(told) == 1
    assert "Change it now" in told[0].get_body(("plain",)).get_content()
    with time_machine.travel(now + timedelta(minutes=16), tick=False):
        later = now + timedelta(minutes=16)
        assert give(again, code(secret, later)).headers["Location"] == "/"


def test_the_secret_is_stored_sealed_and_never_logged(fresh_install, caplog):
    caplog.set_level(logging.DEBUG)
    user, secret = enrolled(fresh_install)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        browser = signed_in(fresh_install, user)
        give(browser, code(secret, T0 + timedelta(minutes=1)))
    stored = db.session.scalar(select(AuthenticatorApp.sealed_secret))
    assert secret not in stored and secret.lower() not in stored.lower()
    assert secret not in caplog.text


def test_a_remembered_device_skips_the_code_for_30_days_and_no_longer(fresh_install):
    user, secret = enrolled(fresh_install)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        browser = signed_in(fresh_install, user)
        page = browser.get(SECOND_STEP)
        assert "Do not ask again on this device for 30 days" in text_of(page)
        give(browser, code(secret, T0 + timedelta(minutes=1)), remember="y")
        browser.submit("/sign-out")
    with time_machine.travel(T0 + timedelta(days=29), tick=False):
        browser.sign_in(user.email)
        assert browser.get("/").status_code == 200  # the same browser: not asked
        other = signed_in(fresh_install, user)
        assert other.get("/").headers["Location"] == SECOND_STEP  # another browser: asked
        browser.submit("/sign-out")
    with time_machine.travel(T0 + timedelta(days=30, minutes=2), tick=False):
        browser.sign_in(user.email)
        assert browser.get("/").headers["Location"] == SECOND_STEP


def test_a4_a_password_reset_does_not_bypass_the_second_factor(fresh_install):
    user, secret = enrolled(fresh_install)
    browser = Visitor(fresh_install.test_client())
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        remembered = signed_in(fresh_install, user)
        give(remembered, code(secret, T0 + timedelta(minutes=1)), remember="y")
        browser.submit("/password-reset", {"email": user.email}, page="/password-reset")
        link, _ = password_link(user.email)
        new = "lantern walrus orchard fiddle"
        done = browser.submit(
            link.removeprefix(SITE),
            {"new_password": new, "confirm_password": new},
            page=link.removeprefix(SITE),
        )
        assert done.headers["Location"] == "/sign-in"
        assert browser.sign_in(user.email, new).headers["Location"] == SECOND_STEP
        assert browser.get("/children").headers["Location"] == f"{SECOND_STEP}?next=/children"
        # Even the browser that was remembered is asked again after the reset.
        assert remembered.sign_in(user.email, new).headers["Location"] == SECOND_STEP


def test_a4_a_set_up_link_leads_to_setting_up_a_second_factor(fresh_install):
    admin = person(fresh_install, "admin")
    user = person(fresh_install, "practitioner", password=None)
    with time_machine.travel(T0, tick=False):
        # The administrator enrols first, as everyone must.
        office = signed_in(fresh_install, admin)
        set_up_app(office, T0)
        office.submit(f"/admin/users/{user.id}/password-link", page=f"/admin/users/{user.id}")
        link, _ = password_link(user.email)
        browser = Visitor(fresh_install.test_client())
        chosen = "velvet harbour quince mosaic"
        browser.submit(
            link.removeprefix(SITE),
            {"new_password": chosen, "confirm_password": chosen},
            page=link.removeprefix(SITE),
        )
        assert browser.sign_in(user.email, chosen).headers["Location"] == (
            "/sign-in/set-up-second-factor"
        )


def test_changing_ones_password_keeps_the_session_signed_in_with_its_factor(fresh_install):
    user, secret = enrolled(fresh_install)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        browser = signed_in(fresh_install, user)
        give(browser, code(secret, T0 + timedelta(minutes=1)))
        new = "juniper cobalt meadow trumpet"
        changed = browser.submit(
            "/account/password",
            {
                "current_password": "correct horse battery staple",
                "new_password": new,
                "confirm_password": new,
            },
        )
        assert changed.headers["Location"] == "/account"
        assert browser.get("/account").status_code == 200
    rows = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ).all()
    assert [row.factor_check for row in rows] == [None]
