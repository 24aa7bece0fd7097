"""Password storage and password rules through the real pages (docs/security.md A1, A2)."""

from __future__ import annotations

import argon2
import pytest

from tas import config, create_app
from tas.auth import passwords
from tas.extensions import db
from tas.organisations.models import User
from tests import factories
from tests.auth.helpers import password_link
from tests.conftest import TEST_SECRET, Visitor
from tests.pages import audit_events, error_summary

PASTED_64 = "R7f!q2Lz#9WmVx4Kp0&Tb8Yc3Nh6Jd1Gs5Ua-Qe7Oi2Zr9Xw4Pk0Mv8Tn3Lb6Hc1"[:64]


def test_production_settings_hash_with_argon2id_and_at_least_19_mib(tmp_path):
    # An app built with nothing but the defaults (no cheap test hashing) hashes like production.
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "OUTBOX_DIR": str(tmp_path),
        }
    )
    for key in ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_PARALLELISM"):
        assert app.config[key] == getattr(config.Defaults, key)
    with app.app_context():
        stored = passwords.hash_password("purple lantern ocean")
        assert passwords.password_matches(stored, "purple lantern ocean")
    parameters = argon2.extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost >= 19 * 1024  # OWASP: at least 19 MiB with 2 iterations
    assert parameters.time_cost >= 2
    assert "purple" not in stored


def test_a_cheap_hash_is_upgraded_when_its_owner_signs_in(make_app):
    with make_app().app_context():  # the cheap test settings
        user = factories.user(role="dsl")
        db.session.commit()
        user_id, address = user.id, user.email
        assert argon2.extract_parameters(user.password_hash).memory_cost == 8
    strong = make_app(
        PASSWORD_HASH_TIME_COST=2, PASSWORD_HASH_MEMORY_KIB=19 * 1024, PASSWORD_HASH_PARALLELISM=1
    )
    assert Visitor(strong.test_client()).sign_in(address).status_code == 302
    with strong.app_context():
        stored = db.session.get(User, user_id).password_hash
        assert argon2.extract_parameters(stored).memory_cost == 19 * 1024


def _change_password(browser, new, current=factories.PASSWORD, confirm=None):
    return browser.submit(
        "/account/password",
        {
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
        page="/account",
    )


REFUSED = [
    ("safeguarding2025", "must not contain the name of this service"),
    ("tas-demo-passphrase", "must not contain the name of this service"),
    ("Password123456", "must not contain the name of this service"),
    ("dana shah orbit kettle", "your name or your email"),
    ("oakfield river candle", "your name or your email"),
    ("ocean piano", "New password must be 12 characters or more"),
    ("aaaaaaaaaaaa", "too easy to guess"),
    ("x" * 129, "128 characters or fewer"),
]


@pytest.mark.parametrize(("new", "message"), REFUSED[:5])
def test_account_page_refuses_common_and_personal_passwords(app, login_as, new, message):
    browser = login_as("dsl", name="Dana Shah", email="dana.shah@oakfield.sch.uk")
    response = _change_password(browser, new)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'class="govuk-error-summary' in html
    assert new not in html  # a refused password is never written back into the page


def test_account_page_accepts_a_pasted_64_character_password(app, login_as):
    browser = login_as("dsl")
    response = _change_password(browser, PASTED_64)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    db.session.refresh(browser.user)
    assert passwords.password_matches(browser.user.password_hash, PASTED_64)
    assert browser.sign_in(browser.user.email, PASTED_64).status_code in (302,)


def test_account_page_accepts_a_lowercase_passphrase(app, login_as):
    browser = login_as("dsl")
    assert _change_password(browser, "ocean piano fig").status_code == 302


def test_account_page_says_every_problem_with_a_password_change_at_once(app, login_as):
    browser = login_as("dsl")
    response = _change_password(
        browser, "ocean piano", current="not my password at all", confirm="something else"
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "current_password": "Your current password is not right",
        "new_password": "New password must be 12 characters or more",
        "confirm_password": "The passwords do not match",
    }


def test_account_page_needs_the_current_password(app, login_as):
    browser = login_as("dsl")
    response = _change_password(browser, "ocean piano fig", current="not my password at all")
    assert response.status_code == 200
    assert "Your current password is not right" in response.get_data(as_text=True)
    db.session.refresh(browser.user)
    assert passwords.password_matches(browser.user.password_hash, factories.PASSWORD)


def test_account_page_needs_the_new_password_twice(app, login_as):
    browser = login_as("dsl")
    response = _change_password(browser, "ocean piano fig", confirm="ocean piano fog")
    assert response.status_code == 200
    assert "The passwords do not match" in response.get_data(as_text=True)


@pytest.mark.parametrize(("new", "message"), [REFUSED[0], REFUSED[3], REFUSED[5], REFUSED[7]])
def test_password_link_page_refuses_common_and_personal_passwords(app, visitor, new, message):
    user = factories.user(role="dsl", name="Dana Shah", email="dana.shah@oakfield.sch.uk")
    db.session.commit()
    visitor.submit("/password-reset", {"email": user.email})
    link, _token = password_link(user.email)
    path = link.removeprefix("https://tas.example.org")
    response = visitor.submit(path, {"new_password": new, "confirm_password": new})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    # The link is still usable after a refused password.
    response = visitor.submit(path, {"new_password": PASTED_64, "confirm_password": PASTED_64})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert visitor.sign_in(user.email, PASTED_64).status_code == 302


def test_guessing_the_current_password_is_paused_and_audited(app, login_as):
    """A session left open is no way to guess the password: five wrong tries pause it, each
    one audited, and the right one is refused while paused."""
    browser = login_as("dsl")
    for _ in range(5):
        wrong = _change_password(browser, "ocean piano fig", current="not my password at all")
        assert "Your current password is not right" in wrong.get_data(as_text=True)

    paused = _change_password(browser, "ocean piano fig")

    assert paused.status_code == 429
    assert "Too many wrong tries. Wait" in paused.get_data(as_text=True)
    db.session.refresh(browser.user)
    assert not passwords.password_matches(browser.user.password_hash, "ocean piano fig")
    assert len(audit_events("current_password_wrong")) == 5


def test_a_new_password_the_same_as_the_current_one_is_refused(app, login_as):
    browser = login_as("dsl")

    response = _change_password(browser, factories.PASSWORD)

    assert error_summary(response) == {
        "new_password": "Your new password must be different from your current password"
    }
