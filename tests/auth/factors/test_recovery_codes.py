"""Issue 16: ten recovery codes shown once at enrolment, stored hashed, each usable once;
using one tells the person by email and suggests setting up again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tas.auth.factors.models import RecoveryCode
from tas.extensions import db
from tests.auth.factors.steps import code, person, set_up_app, signed_in, text_of
from tests.auth.helpers import emails_to

pytestmark = pytest.mark.pages  # what pages show and do: PostgreSQL alone (tests/conftest.py)

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
RECOVERY = "/sign-in/recovery-code"


def test_codes_are_shown_once_and_stored_hashed(fresh_install):
    user = person(fresh_install)
    with time_machine.travel(T0, tick=False):
        browser = signed_in(fresh_install, user)
        _, codes = set_up_app(browser, T0)
        assert len(codes) == 10
        again = browser.get("/account/second-factors")
    assert "You have 10 recovery codes left" in text_of(again)
    assert not any(shown in again.get_data(as_text=True) for shown in codes)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not set(codes) & set(stored)


def test_a_recovery_code_signs_in_once_and_the_person_is_emailed(fresh_install):
    user = person(fresh_install)
    with time_machine.travel(T0, tick=False):
        browser = signed_in(fresh_install, user)
        _, codes = set_up_app(browser, T0)
        browser.submit("/sign-out")
        lost_phone = signed_in(fresh_install, user)
        used = lost_phone.submit(RECOVERY, {"recovery": codes[3].upper()}, page=RECOVERY)
        assert used.headers["Location"] == "/account/second-factors"
        page = lost_phone.get("/account/second-factors")
        assert "You signed in with a recovery code" in text_of(page)
        assert "You have 9 recovery codes left" in text_of(page)
        lost_phone.submit("/sign-out")
        thief = signed_in(fresh_install, user)
        refused = thief.submit(RECOVERY, {"recovery": codes[3]})
        assert "That recovery code is not right, or was used already" in text_of(refused)
        assert thief.get("/").headers["Location"] == "/sign-in/second-factor"
    told = [m for m in emails_to(user.email) if "recovery code was used" in m["Subject"]]
    assert len(told) == 1
    body = told[0].get_body(("plain",)).get_content()
    assert "you have 9 left" in body
    assert "set up your second factor again" in body


def test_new_codes_replace_the_old_ones(fresh_install):
    user = person(fresh_install)
    with time_machine.travel(T0, tick=False):
        browser = signed_in(fresh_install, user)
        secret, old = set_up_app(browser, T0)
        new_page = browser.submit("/account/second-factors/recovery-codes")
        new = [c for c in text_of(new_page).split() if c.count("-") == 2 and len(c) == 14]
        assert len(new) == 10 and not set(new) & set(old)
        browser.submit("/sign-out")
        later = signed_in(fresh_install, user)
        assert "not right" in text_of(later.submit(RECOVERY, {"recovery": old[0]}))
        assert later.submit(RECOVERY, {"recovery": new[0]}).status_code == 302
    assert code(secret, T0 + timedelta(seconds=30))  # the app is untouched
