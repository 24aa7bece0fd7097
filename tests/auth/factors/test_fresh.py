"""docs/security.md B10 and issue 16: the powerful actions need the second factor (or the
password, for someone with none) given in the last ten minutes. Otherwise the form's post is
answered with "Confirm it is you", what was typed carried along; confirming completes it."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from tas.children.models import CoordinatorAccess
from tas.extensions import db
from tas.organisations.models import User
from tests import factories
from tests.auth.factors.steps import code, person, set_up_app, signed_in, text_of
from tests.organisations.test_users import give_open_work
from tests.pages import audit_events, error_summary, field_value
from tests.reviews.test_rules_page import DEFAULTS, rule_rows, versions_on

pytestmark = pytest.mark.pages  # what pages show and do: PostgreSQL alone (tests/conftest.py)

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
LATER = T0 + timedelta(minutes=11)  # past FRESH_SIGN_IN_MINUTES (10)
CARRIED = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
CONFIRM = "Confirm it is you"


def carried(response) -> dict[str, str]:
    """The action's own fields, as the confirmation page carries them."""
    return {
        name: html.unescape(value)
        for name, value in CARRIED.findall(response.get_data(as_text=True))
        if name != "csrf_token"
    }


def confirm(browser, path: str, page, **given):
    """Send the confirmation page's form: what it carried, and the factor given."""
    return browser.submit(path, {**carried(page), "fresh_confirm": "yes", **given})


def enrolled_at_t0(app, role: str, **fields):
    user = person(app, role, **fields)
    with time_machine.travel(T0, tick=False):
        browser = signed_in(app, user)
        secret, _ = set_up_app(browser, T0)
    return browser, secret


def test_b10_an_administrator_adding_an_account_confirms_and_it_is_added(fresh_install):
    admin, secret = enrolled_at_t0(fresh_install, "admin")
    school = factories.school()
    db.session.commit()
    typed = {"name": "Robin Achterberg", "email": "robin@oakfield.example", "role": "dsl"}
    with time_machine.travel(LATER, tick=False):
        asked = admin.submit("/admin/users/new", {**typed, "school": str(school.id)})
        assert asked.status_code == 200
        assert CONFIRM in text_of(asked)
        assert "You are about to create or change a person's account" in text_of(asked)
        assert carried(asked)["name"] == "Robin Achterberg"
        assert db.session.scalar(select(User).where(User.email == typed["email"])) is None
        # Asked, not yet tried: no error shown, and no wrong try counted.
        assert error_summary(asked) == {}
        nothing = confirm(admin, "/admin/users/new", asked)
        assert error_summary(nothing) == {
            "fresh_code": "Enter the 6-digit code from your authenticator app"
        }
        assert audit_events("second_factor_failed") == []
        wrong = confirm(admin, "/admin/users/new", nothing, fresh_code="000000")
        assert "not right" in text_of(wrong)
        assert carried(wrong)["email"] == typed["email"]  # still kept
        done = confirm(admin, "/admin/users/new", wrong, fresh_code=code(secret, LATER))
        assert done.headers["Location"] == "/admin/users"
        # Confirmed now: the next powerful action within ten minutes is not asked again.
        robin = db.session.scalar(select(User).where(User.email == typed["email"]))
        link = admin.submit(f"/admin/users/{robin.id}/password-link")
        assert link.status_code == 302
    assert robin.school_id == school.id
    assert [e.detail["method"] for e in audit_events("second_factor_confirmed")] == ["app"]


def test_b10_changing_a_role_and_deactivating_are_confirmed(fresh_install):
    admin, _ = enrolled_at_t0(fresh_install, "admin")
    someone = person(fresh_install, "coordinator")
    with time_machine.travel(LATER, tick=False):
        for path in (f"/admin/users/{someone.id}", f"/admin/users/{someone.id}/deactivate"):
            asked = admin.submit(path, {"name": "Changed Name"})
            assert CONFIRM in text_of(asked), path
    db.session.refresh(someone)
    assert someone.active and someone.name != "Changed Name"


def test_b10_deactivating_someone_with_open_work_is_confirmed_when_it_is_done(fresh_install):
    """Being shown their open work changes nothing; the post that deactivates is guarded."""
    admin, secret = enrolled_at_t0(fresh_install, "admin")
    worker = person(fresh_install, "link_worker")
    give_open_work(worker)
    path = f"/admin/users/{worker.id}/deactivate"
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        asked = admin.submit(path)
        assert CONFIRM not in text_of(asked) and "Deactivate anyway" in text_of(asked)
    with time_machine.travel(LATER, tick=False):
        sent = admin.submit(path, {"open_work": field_value(asked, "open_work")})
        assert CONFIRM in text_of(sent)
        assert db.session.get(User, worker.id, populate_existing=True).active is True
        done = confirm(admin, path, sent, fresh_code=code(secret, LATER))
        assert done.status_code == 302
    assert db.session.get(User, worker.id, populate_existing=True).active is False
    assert audit_events("user_deactivated")[0].detail["open_work"]["reviews"] == 1


def test_b10_a_coordinators_reason_to_open_a_record_is_confirmed(make_app):
    app = make_app(FRESH_SIGN_IN_MINUTES=10)
    with app.app_context():
        coordinator = person(app, "coordinator")
        child = factories.child()
        db.session.commit()
        with time_machine.travel(T0, tick=False):
            browser = signed_in(app, coordinator)
        path = f"/children/{child.id}/reason"
        with time_machine.travel(LATER, tick=False):
            asked = browser.submit(path, {"reason": "A call from the school about attendance"})
            assert CONFIRM in text_of(asked)
            # No second factor here: the password confirms it is them.
            assert 'name="fresh_password"' in asked.get_data(as_text=True)
            wrong = confirm(browser, path, asked, fresh_password="not my password at all")
            assert "Your password is not right" in text_of(wrong)
            assert db.session.scalar(select(CoordinatorAccess)) is None
            done = confirm(browser, path, wrong, fresh_password=factories.PASSWORD)
            assert done.headers["Location"] == f"/children/{child.id}"
        reason = db.session.scalar(select(CoordinatorAccess))
        assert reason.reason == "A call from the school about attendance"


def test_b10_changing_the_districts_rules_is_confirmed(fresh_install):
    coordinator, secret = enrolled_at_t0(fresh_install, "coordinator", district_wide=True)
    with time_machine.travel(LATER, tick=False):
        form = coordinator.get("/reviews/rules")
        sent = {**DEFAULTS, "plan_review_amount": "4", "version": versions_on(form)}
        asked = coordinator.submit("/reviews/rules", sent)
        assert CONFIRM in text_of(asked)
        assert rule_rows() == {}
        done = confirm(coordinator, "/reviews/rules", asked, fresh_code=code(secret, LATER))
        assert done.headers["Location"] == "/reviews/rules"
    assert rule_rows() == {"plan_review": (4, "weeks")}


def test_b10_changing_ones_second_factors_is_confirmed(fresh_install):
    browser, secret = enrolled_at_t0(fresh_install, "practitioner")
    with time_machine.travel(LATER, tick=False):
        asked = browser.submit("/account/second-factors/recovery-codes")
        assert CONFIRM in text_of(asked)
        assert "You are about to change your second factors" in text_of(asked)
        done = confirm(
            browser, "/account/second-factors/recovery-codes", asked, fresh_code=code(secret, LATER)
        )
        assert "Save your recovery codes" in text_of(done)


def test_within_ten_minutes_nobody_is_asked_again(fresh_install):
    browser, _ = enrolled_at_t0(fresh_install, "practitioner")
    with time_machine.travel(T0 + timedelta(minutes=9), tick=False):
        done = browser.submit("/account/second-factors/recovery-codes")
    assert "Save your recovery codes" in text_of(done)


def test_a_remembered_browser_signs_in_but_is_not_fresh(fresh_install):
    browser, secret = enrolled_at_t0(fresh_install, "coordinator", district_wide=True)
    user = db.session.scalar(select(User).where(User.role == "coordinator"))
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        browser.submit("/sign-out")
        browser.sign_in(user.email)
        step = T0 + timedelta(minutes=1)
        browser.submit("/sign-in/second-factor", {"code": code(secret, step), "remember": "y"})
        browser.submit("/sign-out")
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        assert browser.sign_in(user.email).headers["Location"] == "/"
        asked = browser.submit("/account/second-factors/recovery-codes")
    assert CONFIRM in text_of(asked)
