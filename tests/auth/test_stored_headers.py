"""A NUL byte or any control character in the User-Agent or another stored header is cleaned
before storing (issue 11, section 6): it was a 500 on PostgreSQL, which refuses NUL in text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tas.audit.models import AuditEvent
from tas.auth.models import SignInAttempt, UserSession
from tas.client import throttle_key
from tas.extensions import db
from tests import factories
from tests.conftest import Visitor

AGENT = "Mozilla/5.0\x00 (X11; Linux)\x1b[31m\x07 Firefox/140.0\x7f\x85\x9f\x01"
CLEANED = "Mozilla/5.0 (X11; Linux)[31m Firefox/140.0"


def _stored(user_id: int) -> tuple[UserSession, SignInAttempt, AuditEvent]:
    db.session.expire_all()
    session = db.session.scalar(select(UserSession).where(UserSession.user_id == user_id))
    attempt = db.session.scalar(select(SignInAttempt))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
    return session, attempt, event


def test_a_nul_byte_in_the_user_agent_is_cleaned_before_storing(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    response = visitor.sign_in(user.email, headers={"User-Agent": AGENT})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert visitor.get("/").status_code == 200
    session, _attempt, _event = _stored(user.id)
    assert session.user_agent == CLEANED
    # The account page lists the session with the cleaned words.
    assert "Firefox 140 on Linux" in visitor.get("/account").get_data(as_text=True)


def test_a_long_user_agent_is_cut_to_fit(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    agent = "\x00" + "A" * 150 + "\x00" + "B" * 150
    assert visitor.sign_in(user.email, headers={"User-Agent": agent}).status_code == 302
    session, _attempt, _event = _stored(user.id)
    assert session.user_agent == "A" * 150 + "B" * 50


@pytest.mark.parametrize(
    ("forwarded", "stored"),
    [
        ("203.0.113.5\x00", "unknown"),
        ("203.0.113.5\x00' OR 1=1 --", "unknown"),
        ("\x01\x02" * 40, "unknown"),
        ("not an address", "unknown"),
        ("203.0.113.5", "203.0.113.5"),
        ("2001:DB8::0:1", "2001:db8::1"),
    ],
)
def test_a_forwarded_client_address_is_cleaned_before_storing(make_app, forwarded, stored):
    app = make_app(PROXY_FIX_X_FOR=1)
    with app.app_context():
        user = factories.user(role="dsl")
        db.session.commit()
        browser = Visitor(app.test_client())
        response = browser.sign_in(user.email, headers={"X-Forwarded-For": forwarded})
        assert response.status_code == 302
        session, attempt, event = _stored(user.id)
        assert session.ip_address == event.ip_address == stored
        # The attempt keeps whom the per-address limit counts: an IPv6 client's /64 network.
        assert attempt.ip_address == throttle_key(stored)
