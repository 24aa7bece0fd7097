"""Password reset by emailed single-use link (issue 2 section 4; docs/security.md D18, F26)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from sqlalchemy import select

from tas.audit.models import AuditEvent
from tas.auth.models import PasswordToken
from tas.auth.rules import hash_token
from tas.extensions import db
from tas.outbox import services as outbox
from tests import factories
from tests.auth.helpers import SITE, emails_to, open_sessions, password_link
from tests.conftest import Visitor, csrf_from
from tests.pages import error_summary

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW = "ocean piano fig"


def _ask_for_reset(visitor, address, **kwargs):
    return visitor.submit("/password-reset", {"email": address}, **kwargs)


def _path(link: str) -> str:
    assert link.startswith(SITE + "/password/")
    return link.removeprefix(SITE)


def _choose(visitor, path, password=NEW):
    data = {"new_password": password, "confirm_password": password}
    return visitor.submit(path, data, page="/sign-in")


def test_known_and_unknown_addresses_get_the_same_answer(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    known = _ask_for_reset(visitor, user.email)
    unknown = _ask_for_reset(Visitor(app.test_client()), "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/password-reset/sent"
    sent = visitor.get("/password-reset/sent")
    assert "Check your email" in sent.get_data(as_text=True)
    assert len(emails_to(user.email)) == 1
    assert emails_to("nobody@example.org") == []


def test_any_address_an_account_may_have_gets_a_link(app, visitor):
    """The reset form checks an address as the user form that made the account did: before, it
    refused .test addresses (the demo's), so those accounts could never reset a password."""
    for address in ("Dana.Shah@Oakfield.Demo.TAS.test", "  gp@demo.tas.test "):
        factories.user(role="dsl", email=address.strip().lower())
    db.session.commit()

    for address in ("Dana.Shah@Oakfield.Demo.TAS.test", "  gp@demo.tas.test "):
        sent = _ask_for_reset(Visitor(app.test_client()), address)
        assert sent.headers["Location"] == "/password-reset/sent"
        assert len(emails_to(address.strip().lower())) == 1
    wrong = _ask_for_reset(visitor, "dana.shah at oakfield")
    assert wrong.status_code == 200
    assert "Enter an email address in the correct format" in wrong.get_data(as_text=True)


def test_no_link_for_a_deactivated_account(app, visitor):
    user = factories.user(role="dsl", active=False)
    db.session.commit()
    assert _ask_for_reset(visitor, user.email).headers["Location"] == "/password-reset/sent"
    assert emails_to(user.email) == []


def test_the_link_comes_from_base_url_not_the_host_header(app, client, tmp_path):
    user = factories.user(role="dsl")
    db.session.commit()
    evil = "http://evil.example"
    form = client.get("/password-reset", base_url=evil).get_data(as_text=True)
    response = client.post(
        "/password-reset",
        data={"csrf_token": csrf_from(form), "email": user.email},
        base_url=evil,
        headers={"X-Forwarded-Host": "evil2.example", "Forwarded": "host=evil3.example"},
    )
    assert response.status_code == 302
    link, token = password_link(user.email)
    assert link == f"{SITE}/password/{token}"
    outbox.deliver_due()  # (normally right after the response) writes the .eml file
    [eml] = Path(app.config["OUTBOX_DIR"]).glob("*.eml")
    raw = eml.read_bytes()
    assert b"evil" not in raw
    assert emails_to(user.email)[0]["Subject"] == "Reset your TAS Coordinator password"


def test_the_token_is_stored_only_as_its_hash(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    _ask_for_reset(visitor, user.email)
    _link, token = password_link(user.email)
    assert len(token) >= 43  # 32 random bytes
    db.session.expire_all()
    [row] = db.session.scalars(select(PasswordToken)).all()
    assert row.token_hash == hash_token(token)
    stored = " ".join(str(getattr(row, column.key)) for column in PasswordToken.__table__.c)
    assert token not in stored
    assert row.expires_at - row.created_at == timedelta(hours=1)


def test_the_link_works_once(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    _ask_for_reset(visitor, user.email)
    path = _path(password_link(user.email)[0])
    page = visitor.get(path)
    assert page.status_code == 200 and "Choose your password" in page.get_data(as_text=True)
    response = _choose(visitor, path)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "Your password has been saved" in visitor.get("/sign-in").get_data(as_text=True)
    assert visitor.sign_in(user.email, NEW).status_code == 302
    again = Visitor(app.test_client())
    used = again.get(path)
    assert used.status_code == 404
    assert "expired or has already been used" in used.get_data(as_text=True)
    token = path.rsplit("/", 1)[1]
    response = again.client.post(
        path,
        data={
            "csrf_token": again.token("/sign-in"),
            "new_password": "zebra cactus mop",
            "confirm_password": "zebra cactus mop",
        },
    )
    assert response.status_code == 404
    assert token and Visitor(app.test_client()).sign_in(user.email, NEW).status_code == 302
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "password_reset_requested" in actions and "password_set" in actions


def test_the_link_expires_after_an_hour(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    with time_machine.travel(T0, tick=False) as clock:
        _ask_for_reset(visitor, user.email)
        path = _path(password_link(user.email)[0])
        clock.shift(timedelta(minutes=59, seconds=59))
        assert visitor.get(path).status_code == 200
        clock.shift(timedelta(seconds=1))
        assert visitor.get(path).status_code == 404
        assert _choose(visitor, path).status_code == 404
    assert visitor.sign_in(user.email, NEW).status_code == 200  # the password did not change


def test_a_made_up_token_is_refused(app, visitor):
    assert visitor.get("/password/" + "A" * 43).status_code == 404
    assert visitor.get("/password/x").status_code == 404


def test_using_a_link_ends_every_session_and_every_other_link(app, login_as):
    browser = login_as("dsl")
    user = browser.user
    other_device = Visitor(app.test_client())
    other_device.sign_in(user.email)
    assert len(open_sessions(user.id)) == 2
    stranger = Visitor(app.test_client())
    _ask_for_reset(stranger, user.email)
    first = _path(password_link(user.email)[0])
    _ask_for_reset(stranger, user.email)
    second = _path(password_link(user.email)[0])
    assert first != second
    assert _choose(stranger, second).status_code == 302
    assert open_sessions(user.id) == []
    assert browser.get("/").status_code == 302
    assert other_device.get("/").status_code == 302
    assert stranger.get(first).status_code == 404  # the older link died with the reset


def test_the_link_page_signs_out_whoever_was_signed_in_on_this_browser(app, login_as):
    browser = login_as("dsl")
    target = factories.user(role="dsl")
    db.session.commit()
    _ask_for_reset(browser, target.email)
    path = _path(password_link(target.email)[0])
    assert _choose(browser, path).status_code == 302
    assert browser.get("/").status_code == 302


def test_choosing_a_password_says_every_problem_at_once(app, visitor):
    user = factories.user(role="dsl")
    db.session.commit()
    _ask_for_reset(visitor, user.email)
    path = _path(password_link(user.email)[0])

    response = visitor.submit(
        path, {"new_password": "ocean piano", "confirm_password": "something else"}
    )

    assert response.status_code == 200
    assert error_summary(response) == {
        "new_password": "New password must be 12 characters or more",
        "confirm_password": "The passwords do not match",
    }
