"""Steps the second-factor tests share: an app with the fresh install's settings, setting up an
authenticator app through its pages, and codes computed as the person's phone computes them."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pyotp
import pytest

from tas.config import Defaults
from tas.extensions import db
from tests import factories
from tests.conftest import Visitor

SECRET_ON_PAGE = re.compile(r'id="app-key">([A-Z2-7 ]+)<')
RECOVERY_ON_PAGE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


@pytest.fixture
def fresh_install(make_app):
    """The app as a fresh install has it: second factors required of every role, and the
    powerful actions confirmed within the default ten minutes (the suite's own settings turn
    both down for the tests of other things, tests/conftest.py)."""
    application = make_app()  # the worker's shared app: its settings are put back after
    application.config.update(
        SECOND_FACTOR_ROLES=Defaults.SECOND_FACTOR_ROLES,
        FRESH_SIGN_IN_MINUTES=Defaults.FRESH_SIGN_IN_MINUTES,
    )
    with application.app_context():
        yield application


def code(secret: str, when: datetime) -> str:
    """The code the person's authenticator app shows at that moment."""
    return pyotp.TOTP(secret).at(when)


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def person(app, role: str = "dsl", **fields):
    user = factories.user(role=role, **fields)
    db.session.commit()
    return user


def signed_in(app, user) -> Visitor:
    """A browser past the password step (wherever it was sent next)."""
    browser = Visitor(app.test_client())
    response = browser.sign_in(user.email)
    assert response.status_code == 302, "the password was refused"
    browser.user = user
    return browser


def set_up_app(browser: Visitor, when: datetime, path="/account/second-factors/app"):
    """Set up an authenticator app through its page: its secret and the recovery codes shown."""
    page = browser.get(path)
    assert page.status_code == 200, page.status_code
    secret = SECRET_ON_PAGE.search(page.get_data(as_text=True)).group(1).replace(" ", "")
    done = browser.submit(path, {"code": code(secret, when)})
    assert done.status_code in (200, 302), done.status_code
    return secret, RECOVERY_ON_PAGE.findall(done.get_data(as_text=True))
