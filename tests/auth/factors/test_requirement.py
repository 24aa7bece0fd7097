"""Issue 16: a fresh install requires a second factor of every role that can open a child's
record, of administrators and of coordinators; until one is set up, only the enrolment pages
open. The demo waives the requirement for itself and says so on the sign-in page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tas.auth.factors import rules
from tas.auth.factors import services as second_factors
from tas.config import Defaults
from tas.demo.data.partnership import WAIVER
from tas.extensions import db
from tas.organisations.rules import ROLES
from tests.auth.factors.steps import person, set_up_app, signed_in, text_of
from tests.conftest import Visitor
from tests.factories import PASSWORD

pytestmark = pytest.mark.pages  # what pages show and do: PostgreSQL alone (tests/conftest.py)

T0 = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
SET_UP = "/sign-in/set-up-second-factor"


def test_the_default_setting_names_every_role():
    assert rules.required_roles(Defaults.SECOND_FACTOR_ROLES) == {role.code for role in ROLES}


@pytest.mark.parametrize("role", [role.code for role in ROLES])
def test_a_fresh_install_asks_every_role_to_set_up_a_second_factor_first(fresh_install, role):
    browser = signed_in(fresh_install, person(fresh_install, role))
    home = browser.get("/")
    assert home.status_code == 302
    assert home.headers["Location"] == SET_UP
    page = browser.get(SET_UP)
    words = text_of(page)
    assert "Before you use it, set up a second way to prove it is you" in words
    assert "Set up an authenticator app" in words
    assert "Set up a passkey" in words
    assert 'href="/account"' not in page.get_data(as_text=True)  # no navigation yet
    assert "Sign out" in words


def test_until_one_is_set_up_only_the_enrolment_pages_open(fresh_install):
    browser = signed_in(fresh_install, person(fresh_install, "link_worker"))
    for path in ("/children", "/meetings", "/account", "/account/second-factors", "/flags"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == f"{SET_UP}?next={path}"
    for path in ("/account/second-factors/app", "/account/second-factors/passkeys/new"):
        assert browser.get(path).status_code == 200, path
    # The second step of a sign-in is not the way round it either.
    second_step = browser.get("/sign-in/second-factor").headers["Location"]
    assert second_step.startswith(SET_UP)
    assert browser.get("/").headers["Location"] == SET_UP
    signed_out = browser.submit("/sign-out")
    assert signed_out.headers["Location"] == "/sign-in"


def test_setting_up_an_app_opens_the_service_at_the_page_asked_for(fresh_install):
    user = person(fresh_install, "dsl")
    browser = Visitor(fresh_install.test_client())
    asked = browser.get("/children")
    assert asked.headers["Location"] == "/sign-in?next=/children"
    with time_machine.travel(T0, tick=False):
        sent = browser.submit(
            "/sign-in?next=/children",
            {"email": user.email, "password": PASSWORD, "next": "/children"},
            page="/sign-in?next=/children",
        )
        assert sent.headers["Location"] == f"{SET_UP}?next=/children"
        secret, codes = set_up_app(browser, T0, "/account/second-factors/app?next=/children")
        assert len(codes) == 10 and len(set(codes)) == 10
        shown = browser.get("/children")
    assert shown.status_code == 200
    assert len(secret) == 32


def test_the_demo_waives_the_requirement_and_the_sign_in_page_says_so(fresh_install):
    page = Visitor(fresh_install.test_client()).get("/sign-in")
    assert "After your password you will be asked for your second factor" in text_of(page)
    second_factors.waive(WAIVER)
    db.session.commit()
    page = Visitor(fresh_install.test_client()).get("/sign-in")
    assert WAIVER in text_of(page)
    browser = signed_in(fresh_install, person(fresh_install, "coordinator"))
    assert browser.get("/").status_code == 200


def test_the_roles_that_must_set_one_up_are_a_setting(make_app):
    app = make_app(SECOND_FACTOR_ROLES="admin, coordinator")
    with app.app_context():
        dsl = signed_in(app, person(app, "dsl"))
        assert dsl.get("/").status_code == 200
        admin = signed_in(app, person(app, "admin"))
        assert admin.get("/").headers["Location"] == SET_UP
