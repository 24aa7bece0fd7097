"""Every link the service sends out of the app (emails, calendar invitations and each person's
calendar feed) opens the page it names for the demo account it was sent to: a link built by
hand that matches no page is found here, not by a practitioner clicking it."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from tas.auth.models import CalendarFeed
from tas.core.clock import LONDON, utcnow
from tas.demo import loading as demo
from tas.extensions import db
from tas.ical.feeds import feed_calendar
from tas.jobs import run_pass
from tas.organisations.models import User
from tas.outbox.models import OutboxMessage
from tas.reminders.services import reminder_day
from tests.conftest import Visitor

LINK = re.compile(r"https://tas\.example\.org(/[^\s\"'<>\\]*)")


def _a_reminder_morning() -> datetime:
    """The next working day's 10am: the reminders and digests of the demo are sent."""
    day = utcnow().astimezone(LONDON).date()
    for ahead in range(1, 8):
        moment = datetime.combine(day + timedelta(days=ahead), time(10), tzinfo=LONDON)
        if reminder_day(moment) is not None:
            return moment
    raise AssertionError("no working day in the next week")


def _words(raw: bytes) -> str:
    """Every text part of an email, decoded, the calendar invitation's too (lines unfolded)."""
    message = message_from_bytes(raw, policy=policy.default)
    parts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return "".join(parts).replace("\r\n ", "").replace("\n ", "")


def _sent_to(app) -> dict[str, set[str]]:
    """Each link path, by the address it was sent to."""
    links: dict[str, set[str]] = {}
    for message in db.session.scalars(select(OutboxMessage)):
        for address in message.recipients.lower().split(","):
            links.setdefault(address.strip(), set()).update(LINK.findall(_words(message.raw)))
    for user in db.session.scalars(select(User)):
        feed = feed_calendar(CalendarFeed(user_id=user.id, created_at=utcnow()), user)
        body = feed.decode().replace("\r\n ", "")
        links.setdefault(user.email, set()).update(LINK.findall(body))
    return links


def _opened(browser: Visitor, path: str) -> tuple[int, str]:
    """Follow the link as its reader would, saying why when a coordinator is asked to: the
    status and address of the page they end on."""
    response = browser.get(path)
    for _ in range(3):
        if response.status_code != 302:
            break
        onward = response.headers["Location"]
        if "/reason?" in onward:
            said = {"reason": "Following up the overdue action in my reminder"}
            response = browser.submit(onward, said, page=onward)
        else:
            response = browser.get(onward)
    return response.status_code, response.request.path


@pytest.mark.demo
def test_every_link_sent_to_a_demo_account_opens_its_page_for_them(app):
    run_pass(_a_reminder_morning())
    links = _sent_to(app)
    opened = []

    for email in [account[0] for account in demo.ACCOUNTS]:
        browser = Visitor(app.test_client())
        assert browser.sign_in(email, demo.DEMO_PASSWORD).status_code == 302
        for path in sorted(links.get(email, ())):
            status, ended_on = _opened(browser, path.replace("\\,", ","))
            opened.append((email, path, status, ended_on))

    assert len({path for _, path, _, _ in opened}) > 10, "too few links found to prove anything"
    assert [row for row in opened if row[2] != 200] == []
    # The coordinator's reminders of others' overdue actions open those actions.
    coordinator = [row for row in opened if row[0] == "coordinator@demo.tas.test"]
    assert any("/actions/" in path and path == ended for _, path, _, ended in coordinator)
