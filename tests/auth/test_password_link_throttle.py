"""Password reset and set-up links are throttled per account and per client address: the public
page answers the same either way and no more emails go out; an administrator is told plainly
(issue 11, section 3; docs/security.md A3)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from tas.audit.models import AuditEvent
from tas.config import Defaults
from tas.extensions import db
from tests import factories
from tests.auth.helpers import emails_to
from tests.conftest import Visitor

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ONE_ADDRESS = {"REMOTE_ADDR": "203.0.113.66"}
TAG = re.compile(r"<[^>]+>")


def _address(n: int) -> dict[str, str]:
    return {"REMOTE_ADDR": f"198.51.100.{n}"}


def _ask(app, email: str, environ: dict[str, str]):
    """Ask for a reset link from a new browser at this address; the answer and the page it
    leads to."""
    browser = Visitor(app.test_client())
    response = browser.submit("/password-reset", {"email": email}, environ_overrides=environ)
    page = browser.get(response.headers.get("Location", "/password-reset/sent"))
    return response, page


def _text(response) -> str:
    body = response.get_data(as_text=True)
    main = body[body.index("<main") : body.index("</main>")]
    return " ".join(html.unescape(TAG.sub(" ", main)).split())


def _throttled(by: str) -> list[AuditEvent]:
    db.session.expire_all()
    return [
        e
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "password_reset_throttled")
        )
        if e.detail == {"by": by}
    ]


def test_password_link_limits_are_settings():
    assert Defaults.PASSWORD_LINKS_PER_ACCOUNT_PER_HOUR == 3
    assert Defaults.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR == 10


def test_password_reset_per_account_3_an_hour_then_no_more_emails(app):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        answers = []
        for n in range(5):  # from five addresses: only the account's own limit applies
            clock.shift(timedelta(minutes=5))
            answers.append(_ask(app, user.email, _address(n)))
        assert len(emails_to(user.email)) == 3
        assert len(_throttled("account")) == 2
        # The answer is the same for the emails sent and the ones held back.
        first, last = answers[0], answers[-1]
        assert first[0].status_code == last[0].status_code == 302
        assert first[0].headers["Location"] == last[0].headers["Location"]
        assert _text(first[1]) == _text(last[1])
        # An hour after the first link, one more may go.
        clock.move_to(T0 + timedelta(minutes=5, hours=1))
        _ask(app, user.email, _address(9))
        assert len(emails_to(user.email)) == 4


def test_password_reset_per_address_10_an_hour_across_accounts(app):
    users = [factories.user(role="dsl") for _ in range(12)]
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        answers = [_ask(app, user.email, ONE_ADDRESS) for user in users]
        sent = [user for user in users if emails_to(user.email)]
        assert sent == users[:10]
        assert len(_throttled("address")) == 2
        assert len({(r.status_code, r.headers["Location"], _text(p)) for r, p in answers}) == 1
        # Another address is not held back; this one is again an hour later.
        _ask(app, users[10].email, _address(1))
        assert len(emails_to(users[10].email)) == 1
        clock.shift(timedelta(hours=1))
        _ask(app, users[11].email, ONE_ADDRESS)
        assert len(emails_to(users[11].email)) == 1


def test_password_reset_asks_for_unknown_addresses_count_per_address_too(app):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        for n in range(10):
            _ask(app, f"nobody{n}@example.org", ONE_ADDRESS)
        response, page = _ask(app, user.email, ONE_ADDRESS)
    assert response.headers["Location"] == "/password-reset/sent"
    assert "If that address belongs to an account" in _text(page)
    assert emails_to(user.email) == []


def test_password_reset_held_back_requests_do_not_extend_the_pause(app):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        for n in range(10):
            _ask(app, f"nobody{n}@example.org", ONE_ADDRESS)
        for minutes in (10, 30, 50):  # still asking while held back: not counted
            clock.move_to(T0 + timedelta(minutes=minutes))
            _ask(app, user.email, ONE_ADDRESS)
        assert emails_to(user.email) == []
        clock.move_to(T0 + timedelta(hours=1, seconds=1))
        _ask(app, user.email, ONE_ADDRESS)
    assert len(emails_to(user.email)) == 1


def _send_link(admin, user):
    path = f"/admin/users/{user.id}/password-link"
    response = admin.submit(path, page=f"/admin/users/{user.id}")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"])
    return " ".join(html.unescape(TAG.sub(" ", page.get_data(as_text=True))).split())


def test_set_up_links_sent_by_an_administrator_are_capped_per_account_and_say_so(login_as):
    invited = factories.user(role="dsl", password=None, name="Dana Shah")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        admin = login_as("admin")
        for _ in range(3):
            clock.shift(timedelta(minutes=10))
            assert "has been emailed a link to set their password" in _send_link(admin, invited)
        clock.shift(timedelta(minutes=10))
        page = _send_link(admin, invited)
        assert len(emails_to(invited.email)) == 3
        # The administrator is trusted: the page says what happened and when to try again.
        assert (
            "Dana Shah has been emailed 3 password links in the last hour, so no new link was "
            "sent. Ask them to use the newest email (and to check their junk folder), or send "
            "another in 30 minutes."  # the first of the three is an hour old then
        ) in page
        assert "has been emailed a link to" not in page
        clock.move_to(T0 + timedelta(minutes=10, hours=1))
        admin = login_as("admin")  # the first has been signed out after 30 idle minutes
        assert "has been emailed a link to set their password" in _send_link(admin, invited)
    assert len(emails_to(invited.email)) == 4


def test_password_links_of_one_account_are_counted_together(app, login_as):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False):
        admin = login_as("admin")
        _ask(app, user.email, _address(1))
        _ask(app, user.email, _address(2))
        assert "has been emailed a link to reset their password" in _send_link(admin, user)
        assert "no new link was sent" in _send_link(admin, user)
        _ask(app, user.email, _address(3))
    assert len(emails_to(user.email)) == 3
