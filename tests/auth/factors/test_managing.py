"""Issue 16: a person's own second factors on the account pages: several may be kept, the
last one may not be removed when the role needs one, a change is emailed and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.auth.factors.steps import SECRET_ON_PAGE, code, person, set_up_app, signed_in, text_of
from tests.auth.helpers import emails_to
from tests.pages import audit_events

pytestmark = pytest.mark.pages  # what pages show and do: PostgreSQL alone (tests/conftest.py)

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


def test_the_last_factor_is_kept_when_the_role_needs_one(fresh_install):
    user = person(fresh_install, "practitioner")
    with time_machine.travel(T0, tick=False):
        browser = signed_in(fresh_install, user)
        set_up_app(browser, T0)
        kept = browser.submit("/account/second-factors/app/remove")
        assert kept.headers["Location"] == "/account/second-factors"
        page = browser.get("/account/second-factors")
    assert "add another passkey or an authenticator app before removing this one" in text_of(page)
    assert "Set up on" in text_of(page)  # still there


def test_moving_the_app_to_a_new_phone_replaces_the_old_one(fresh_install):
    user = person(fresh_install, "coordinator")
    with time_machine.travel(T0, tick=False):
        browser = signed_in(fresh_install, user)
        old_secret, _ = set_up_app(browser, T0)
    later = T0 + timedelta(minutes=2)
    with time_machine.travel(later, tick=False):
        new_secret, codes = set_up_app(browser, later)
        assert codes == []  # not the first factor: the recovery codes stay as they were
        assert new_secret != old_secret
        browser.submit("/sign-out")
        again = signed_in(browser.client.application, user)
        old = again.submit("/sign-in/second-factor", {"code": code(old_secret, later)})
        assert "not right" in text_of(old)
        # The code used to set it up counts once too: the next one signs in.
        used = again.submit("/sign-in/second-factor", {"code": code(new_secret, later)})
        assert "not right" in text_of(used)
    with time_machine.travel(later + timedelta(seconds=30), tick=False):
        step = later + timedelta(seconds=30)
        new = again.submit("/sign-in/second-factor", {"code": code(new_secret, step)})
        assert new.headers["Location"] == "/"
    subjects = [m["Subject"] for m in emails_to(user.email)]
    assert subjects.count("TAS Coordinator: your second factors changed") == 2
    assert len(audit_events("authenticator_app_added")) == 2


def test_a_wrong_first_code_keeps_the_same_qr_code_to_try_again(fresh_install):
    user = person(fresh_install, "dsl")
    with time_machine.travel(T0, tick=False):
        browser = signed_in(fresh_install, user)
        first = browser.get("/account/second-factors/app").get_data(as_text=True)
        secret = SECRET_ON_PAGE.search(first).group(1)
        wrong = browser.submit("/account/second-factors/app", {"code": "12345"})
        assert "The code must be 6 digits, like 123456" in text_of(wrong)
        assert SECRET_ON_PAGE.search(wrong.get_data(as_text=True)).group(1) == secret
        assert "<svg" in wrong.get_data(as_text=True)
        assert browser.get("/").headers["Location"] == "/sign-in/set-up-second-factor"


def test_someone_whose_role_needs_none_may_remove_their_only_factor(make_app):
    app = make_app(SECOND_FACTOR_ROLES="admin")
    with app.app_context(), time_machine.travel(T0, tick=False):
        browser = signed_in(app, person(app, "dsl"))
        set_up_app(browser, T0)
        removed = browser.submit("/account/second-factors/app/remove")
        assert removed.headers["Location"] == "/account/second-factors"
        page = browser.get("/account/second-factors")
        assert "You have no second factor yet" in text_of(page)
